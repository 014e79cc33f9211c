using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>The claim of report part 1-2, "Visualize the optimization process", on the <c>optimization-paths</c> experiment (figures 7-8).</summary>
public static class OptimizationPathsClaims
{
    public static Claim<OptimizationPathsResult> GradualOptimization { get; } = new()
    {
        Id = "1-2/paths/gradual-optimization",
        Statement = "Backpropagation is used to optimize the weights inside the network that is trained throughout the training phase, as seen in Figures 7 and 8. The figures demonstrate the gradual fine-tuning as the weights are gradually optimized.",
        Criterion = "In each of the eight series the loss at the last collected point is below the loss at the first, and consecutive collected weight vectors (all 57 parameters) lie closer together in the last third of the series than in the first third (mean distance).",
        Experiment = OptimizationPaths.Experiment,
        Figures = [7, 8],
        Check = Gradual,
    };

    public static IReadOnlyList<Claim> All { get; } = [GradualOptimization];

    /// <summary>One <see cref="SeedEvidence"/> per series (each series is one seed).</summary>
    private static ClaimEvidence Gradual(OptimizationPathsResult result)
    {
        var seeds = Evidence.PerSeed(result.Paths, path => path.Seed, (path, metrics) =>
        {
            var s = path.Snapshots;
            double[] steps = s.Zip(s.Skip(1), (a, b) => Distance(a.Model, b.Model)).ToArray();
            int third = Math.Max(1, steps.Length / 3);
            double first = steps[..third].Average(), last = steps[^third..].Average();
            metrics["first-loss"] = s[0].Loss;
            metrics["last-loss"] = s[^1].Loss;
            metrics["first-third-step"] = first;
            metrics["last-third-step"] = last;
            return s[^1].Loss < s[0].Loss && last < first;
        });
        var common = Evidence.Metrics();
        for (int i = 0; i < result.ModelExplainedVariance.Length; i++)
        {
            common[$"pca/model-pc{i + 1}-variance"] = result.ModelExplainedVariance[i];
            common[$"pca/layer-pc{i + 1}-variance"] = result.LayerExplainedVariance[i];
        }
        double shrink = Statistics.Median(seeds.Select(x => x.Metrics["last-third-step"].Real / x.Metrics["first-third-step"].Real));
        string summary = $"holds in {Evidence.Count(seeds)} series; median last/first-third step length {shrink:0.00}; " +
                         $"2 PCs explain {Evidence.Percent(result.ModelExplainedVariance.Sum(), 0)} (model), {Evidence.Percent(result.LayerExplainedVariance.Sum(), 0)} (layer)";
        return new ClaimEvidence(seeds, common, summary);
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
}
