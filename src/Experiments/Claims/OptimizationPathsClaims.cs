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
        Criterion = "\"Gradual fine-tuning\": per series, log₁₀ of the mean distance between consecutive collected weight vectors (all 57 parameters) in the last third of the series over that in the first third; " +
                    "the mean over the eight series with its 95% t interval must lie below 0 (the steps shrink as the weights are optimised). The loss at the last collected point is recorded beside it.",
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
            // The trajectory's first segment, before the loss surface has shaped it: its length follows the optimiser's step size.
            metrics["first-step"] = steps[0];
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
        var effect = Evidence.MeanOverSeeds("log₁₀ of the last-third over the first-third step length",
            seeds.Select(x => Math.Log10(x.Metrics["last-third-step"].Real / x.Metrics["first-third-step"].Real)), Side.Below, 0);
        string summary = $"last/first-third step length {Math.Pow(10, effect.Estimate):0.00} [{Math.Pow(10, effect.Low):0.00}, {Math.Pow(10, effect.High):0.00}] (geometric mean of {seeds.Count} series); " +
                         $"loss fell in {Evidence.Count(seeds.Select(x => x.Metrics["last-loss"].Real < x.Metrics["first-loss"].Real))} series; " +
                         $"2 PCs explain {Evidence.Percent(result.ModelExplainedVariance.Sum(), 0)} (model), {Evidence.Percent(result.LayerExplainedVariance.Sum(), 0)} (layer)";
        return new ClaimEvidence(seeds, common, summary, effect);
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
}
