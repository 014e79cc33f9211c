using System.Globalization;
using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>
/// The claims of report part 1-3, "Flatness vs generalization": the line between two solutions
/// (figures 14-15) and sensitivity against batch size (figures 16-17).
/// </summary>
public static class FlatnessClaims
{
    public const string InterpolationExperiment = "interpolation";
    public const string SensitivityExperiment = "sensitivity";

    /// <summary>The comparison the sharpness claim reads, and the pair whose θ2 is the large-batch net.</summary>
    public const string BatchSizePair = "batch-size";

    /// <summary>"Decreases with batch size": Spearman's ρ(batch size, sensitivity) at most this (five sizes: at most one adjacent pair out of order).</summary>
    public const double DecreasingRho = -0.9;

    /// <summary>The report's "between 10² and 10³", inclusive.</summary>
    public const int BestBatchLow = 100, BestBatchHigh = 1000;

    private const string FromFigures =
        "(The report states no claim for figures 14 and 15 in words; this is what they are drawn to show, after Keskar et al. 2017, figure 3.) ";

    public static IReadOnlyList<Claim> All { get; } =
    [
        EndsAreMinima(Initialisation.Separate),
        EndsAreMinima(Initialisation.Shared),
        LargeBatchSharper(Initialisation.Separate),
        LargeBatchSharper(Initialisation.Shared),
        Decreasing("report-measure", "S1 as the report measures it: the Frobenius norm of the gradient of the batch-mean cross-entropy with respect to the batch's inputs, in batches of each net's own training batch size over the sensitivity set (the first test images), averaged over the batches",
            r => r.ReportSensitivity),
        Decreasing("fixed-set", "S1 on a fixed footing: the mean over the sensitivity set (the first test images, the same for every net) of each sample's ‖∂ℓᵢ/∂xᵢ‖_F, the gradient of that sample's own cross-entropy",
            r => r.LossGradientSensitivity),
        Decreasing("jacobian", "S2 (Novak et al. 2018): the mean over the sensitivity set of each sample's input-output Jacobian norm ‖∂zᵢ/∂xᵢ‖_F, z the ten logits",
            r => r.JacobianSensitivity),
        new Claim<SensitivityResult>
        {
            Id = "1-3/sensitivity/best-batch-size-100-to-1000",
            Statement = "As a consequence, we draw the conclusion that the network will perform best when the batch size is between 102 and 103. (That is 10² and 10³; the superscripts are lost in the report's text.)",
            Criterion = $"Per seed, of the nets trained with batch sizes 5, 20, 64, 256 and 1,000 for the same number of epochs, the one with the highest test accuracy has a batch size between {BestBatchLow} and {BestBatchHigh:N0} inclusive (ties go to the smaller batch size).",
            Experiment = SensitivityExperiment,
            Figures = [16, 17],
            Check = BestBatchSize,
        },
    ];

    private static string Suffix(Initialisation init) => init == Initialisation.Shared ? "-shared-init" : "";

    private static string Words(Initialisation init) => init == Initialisation.Shared
        ? "both nets of a pair started from one set of initial weights (as Keskar et al. do)"
        : "each net started from its own initial weights (as most homework solutions do)";

    private static Claim EndsAreMinima(Initialisation init) => new Claim<InterpolationResult>
    {
        Id = "1-3/interpolation/ends-are-minima" + Suffix(init),
        Statement = FromFigures + "Both solutions are minima along the line through them: the loss at α = 0 and α = 1 is lower than beyond them, at α = −1 and α = 2.",
        Criterion = $"For both pairs (batch 64 vs 1024, learning rate 0.001 vs 0.01), {Words(init)}: the training cross-entropy at α = 0 is below that at α = −1, and at α = 1 below that at α = 2.",
        Experiment = InterpolationExperiment,
        Figures = [14, 15],
        Check = r => EndsAreMinima(r, init),
    };

    private static Claim LargeBatchSharper(Initialisation init) => new Claim<InterpolationResult>
    {
        Id = "1-3/interpolation/large-batch-sharper" + Suffix(init),
        Statement = FromFigures + "Large-batch training ends in a sharper minimum than small-batch training: along the line, the loss rises more steeply beyond the large-batch end than beyond the small-batch end.",
        Criterion = $"Batch-size pair (θ1: batch 64, θ2: batch 1024; Adam, learning rate 0.001, equal epochs), {Words(init)}: the training cross-entropy L rises more from α = 1 to α = 1.5 than from α = 0 to α = −0.5, " +
                    "i.e. L(1.5) − L(1) > L(−0.5) − L(0). Both steps are half of ‖θ2 − θ1‖ long.",
        Experiment = InterpolationExperiment,
        Figures = [14],
        Check = r => LargeBatchSharper(r, init),
    };

    private static Claim Decreasing(string measure, string description, Func<SensitivityRun, double> sensitivity) => new Claim<SensitivityResult>
    {
        Id = "1-3/sensitivity/decreases-with-batch-size-" + measure,
        Statement = "Next, the forbenius norm of gradient approach was used to determine the models' sensitivity. [...] Sensitivity decreases with batch size.",
        Criterion = $"Sensitivity is {description}. Per seed, Spearman's rank correlation between the batch size and the sensitivity of the five nets is at most {DecreasingRho.ToString("0.0", CultureInfo.InvariantCulture).Replace('-', '−')} " +
                    "(with five batch sizes: the sensitivity decreases, with at most one adjacent pair out of order).",
        Experiment = SensitivityExperiment,
        Figures = [16, 17],
        Check = r => Decreases(r, sensitivity),
    };

    private static string Alpha(double alpha) => alpha.ToString("0.##", CultureInfo.InvariantCulture);

    private static ClaimEvidence EndsAreMinima(InterpolationResult result, Initialisation init)
    {
        var seeds = new List<SeedEvidence>();
        foreach (int seed in result.Config.Seeds)
        {
            var metrics = Evidence.Metrics();
            bool holds = true;
            foreach (var pair in result.Config.Pairs)
            {
                var curve = result.Curve(pair.Name, init, seed);
                foreach (double alpha in new[] { -1.0, 0, 1, 2 })
                    metrics[$"{pair.Name}/train-loss@{Alpha(alpha)}"] = curve.At(alpha).Train.Loss;
                foreach (double alpha in new[] { 0.0, 1 })
                {
                    metrics[$"{pair.Name}/train-accuracy@{Alpha(alpha)}"] = curve.At(alpha).Train.Accuracy!.Value;
                    metrics[$"{pair.Name}/test-accuracy@{Alpha(alpha)}"] = curve.At(alpha).Test.Accuracy!.Value;
                }
                metrics[$"{pair.Name}/distance"] = curve.Distance;
                holds &= curve.At(0).Train.Loss < curve.At(-1).Train.Loss && curve.At(1).Train.Loss < curve.At(2).Train.Loss;
            }
            seeds.Add(new SeedEvidence(seed, holds, metrics));
        }
        var ends = seeds.SelectMany(s => result.Config.Pairs.SelectMany(p => new[] { s.Metrics[$"{p.Name}/train-loss@0"].Real, s.Metrics[$"{p.Name}/train-loss@1"].Real })).ToList();
        var beyond = seeds.SelectMany(s => result.Config.Pairs.SelectMany(p => new[] { s.Metrics[$"{p.Name}/train-loss@-1"].Real, s.Metrics[$"{p.Name}/train-loss@2"].Real })).ToList();
        string summary = $"holds in {Evidence.Count(seeds.Select(s => s.Holds))} seeds; training loss at the ends {ends.Min():0.###}-{ends.Max():0.###}, at α = −1 and 2 {beyond.Min():0.###}-{beyond.Max():0.###}";
        return new ClaimEvidence(seeds, Common(result.Parameters), summary);
    }

    private static ClaimEvidence LargeBatchSharper(InterpolationResult result, Initialisation init)
    {
        var seeds = new List<SeedEvidence>();
        var ratios = new List<string>();
        foreach (int seed in result.Config.Seeds)
        {
            var curve = result.Curve(BatchSizePair, init, seed);
            double Loss(double alpha) => curve.At(alpha).Train.Loss;
            double large = Loss(1.5) - Loss(1), small = Loss(-0.5) - Loss(0);
            var metrics = Evidence.Metrics();
            foreach (double alpha in new[] { -0.5, 0, 1, 1.5 })
                metrics[$"{BatchSizePair}/train-loss@{Alpha(alpha)}"] = Loss(alpha);
            metrics[$"{BatchSizePair}/rise-beyond-large-batch"] = large;
            metrics[$"{BatchSizePair}/rise-beyond-small-batch"] = small;
            metrics[$"{BatchSizePair}/distance"] = curve.Distance;
            seeds.Add(new SeedEvidence(seed, large > small, metrics));
            ratios.Add($"{large:0.###} vs {small:0.###}");
        }
        string summary = $"holds in {Evidence.Count(seeds.Select(s => s.Holds))} seeds; rise beyond batch 1024 vs beyond batch 64 per seed: {string.Join("; ", ratios)}";
        return new ClaimEvidence(seeds, Common(result.Parameters), summary);
    }

    private static ClaimEvidence Decreases(SensitivityResult result, Func<SensitivityRun, double> sensitivity)
    {
        var seeds = new List<SeedEvidence>();
        foreach (int seed in result.Config.Seeds)
        {
            var runs = result.OfSeed(seed);
            double rho = Statistics.Spearman(runs.Select(r => (double)r.BatchSize).ToList(), runs.Select(sensitivity).ToList());
            var metrics = Evidence.Metrics();
            foreach (var run in runs)
                metrics[$"batch-{run.BatchSize}/sensitivity"] = sensitivity(run);
            metrics["spearman"] = rho;
            // ρ of five ranks moves in steps of 0.1; the margin only keeps round-off from deciding a tie.
            seeds.Add(new SeedEvidence(seed, rho <= DecreasingRho + 1e-9, metrics));
        }
        string rhos = string.Join(", ", seeds.Select(s => s.Metrics["spearman"].Real.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)));
        var first = result.Config.BatchSizes[0];
        var last = result.Config.BatchSizes[^1];
        double ratio = Statistics.Median(result.Config.Seeds.Select(s => sensitivity(result.Run(last, s)) / sensitivity(result.Run(first, s))));
        return new ClaimEvidence(seeds, Common(result.Parameters),
            $"Spearman ρ(batch size, sensitivity) per seed: {rhos}; median sensitivity at batch {last} / at batch {first}: {ratio:0.###}");
    }

    private static ClaimEvidence BestBatchSize(SensitivityResult result)
    {
        var seeds = new List<SeedEvidence>();
        foreach (int seed in result.Config.Seeds)
        {
            var runs = result.OfSeed(seed);
            var metrics = Evidence.Metrics();
            foreach (var run in runs)
            {
                metrics[$"batch-{run.BatchSize}/train-loss"] = run.Train.Loss;
                metrics[$"batch-{run.BatchSize}/train-accuracy"] = run.Train.Accuracy!.Value;
                metrics[$"batch-{run.BatchSize}/test-loss"] = run.Test.Loss;
                metrics[$"batch-{run.BatchSize}/test-accuracy"] = run.Test.Accuracy!.Value;
            }
            // Ties go to the smaller batch size: MaxBy keeps the first maximum of the ascending order.
            int best = runs.OrderBy(r => r.BatchSize).MaxBy(r => r.Test.Accuracy!.Value)!.BatchSize;
            metrics["best-batch-size"] = best;
            seeds.Add(new SeedEvidence(seed, best is >= BestBatchLow and <= BestBatchHigh, metrics));
        }
        string bests = string.Join(", ", seeds.Select(s => s.Metrics["best-batch-size"].Integer));
        return new ClaimEvidence(seeds, Common(result.Parameters), $"best batch size by test accuracy per seed: {bests}");
    }

    private static Dictionary<string, MetricValue> Common(long parameters)
    {
        var common = Evidence.Metrics();
        common["parameters"] = parameters;
        return common;
    }
}
