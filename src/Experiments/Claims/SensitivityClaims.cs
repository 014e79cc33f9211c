using System.Globalization;
using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>
/// The claims of report part 1-3, "Flatness vs generalization" part 2, on the <c>sensitivity</c>
/// experiment: sensitivity against batch size (figures 16-17). The report's "sensitivity decreases
/// with batch size" is judged three times, once per measure (the id's last word: the report's own
/// measure, the same loss gradient per sample on a fixed set, and the input-output Jacobian).
/// </summary>
public static class SensitivityClaims
{
    /// <summary>"Decreases with batch size": Spearman's ρ(batch size, sensitivity) at most this (five sizes: at most one adjacent pair out of order).</summary>
    public const double DecreasingRho = -0.9;

    /// <summary>The report's "between 10² and 10³", inclusive.</summary>
    public const int BestBatchLow = 100, BestBatchHigh = 1000;

    // The claims are declared after everything their initialisers read: static initialisers run in textual order.

    public static Claim<SensitivityResult> DecreasesReportMeasure { get; } = Decreasing("1-3/sensitivity/decreases-with-batch-size-report-measure",
        "S1 as the report measures it: the Frobenius norm of the gradient of the batch-mean cross-entropy with respect to the batch's inputs, in batches of each net's own training batch size over the sensitivity set (the first test images), averaged over the batches",
        r => r.ReportSensitivity);

    public static Claim<SensitivityResult> DecreasesFixedSet { get; } = Decreasing("1-3/sensitivity/decreases-with-batch-size-fixed-set",
        "S1 on a fixed footing: the mean over the sensitivity set (the first test images, the same for every net) of each sample's ‖∂ℓᵢ/∂xᵢ‖_F, the gradient of that sample's own cross-entropy",
        r => r.LossGradientSensitivity);

    public static Claim<SensitivityResult> DecreasesJacobian { get; } = Decreasing("1-3/sensitivity/decreases-with-batch-size-jacobian",
        "S2 (Novak et al. 2018): the mean over the sensitivity set of each sample's input-output Jacobian norm ‖∂zᵢ/∂xᵢ‖_F, z the ten logits",
        r => r.JacobianSensitivity);

    public static Claim<SensitivityResult> BestBatchSize100To1000 { get; } = new()
    {
        Id = "1-3/sensitivity/best-batch-size-100-to-1000",
        Statement = "As a consequence, we draw the conclusion that the network will perform best when the batch size is between 102 and 103. (That is 10² and 10³; the superscripts are lost in the report's text.)",
        Criterion = $"Per seed, of the nets trained with batch sizes 5, 20, 64, 256 and 1,000 for the same number of epochs, the one with the highest test accuracy has a batch size between {BestBatchLow} and {BestBatchHigh:N0} inclusive (ties go to the smaller batch size).",
        Experiment = Sensitivity.Experiment,
        Figures = [16, 17],
        Check = BestBatchSize,
    };

    public static IReadOnlyList<Claim> All { get; } = [DecreasesReportMeasure, DecreasesFixedSet, DecreasesJacobian, BestBatchSize100To1000];

    private static Claim<SensitivityResult> Decreasing(string id, string description, Func<SensitivityRun, double> sensitivity) => new()
    {
        Id = id,
        Statement = "Next, the forbenius norm of gradient approach was used to determine the models' sensitivity. [...] Sensitivity decreases with batch size.",
        Criterion = $"Sensitivity is {description}. Per seed, Spearman's rank correlation between the batch size and the sensitivity of the five nets is at most {DecreasingRho.ToString("0.0", CultureInfo.InvariantCulture).Replace('-', '−')} " +
                    "(with five batch sizes: the sensitivity decreases, with at most one adjacent pair out of order).",
        Experiment = Sensitivity.Experiment,
        Figures = [16, 17],
        Check = r => Decreases(r, sensitivity),
    };

    private static ClaimEvidence Decreases(SensitivityResult result, Func<SensitivityRun, double> sensitivity)
    {
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var runs = result.OfSeed(seed);
            double rho = Statistics.Spearman(runs.Select(r => (double)r.BatchSize).ToList(), runs.Select(sensitivity).ToList());
            foreach (var run in runs)
                metrics[$"batch-{run.BatchSize}/sensitivity"] = sensitivity(run);
            metrics["spearman"] = rho;
            // ρ of five ranks moves in steps of 0.1; the margin only keeps round-off from deciding a tie.
            return rho <= DecreasingRho + 1e-9;
        });
        string rhos = string.Join(", ", seeds.Select(s => s.Metrics["spearman"].Real.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)));
        var first = result.Config.BatchSizes[0];
        var last = result.Config.BatchSizes[^1];
        double ratio = Statistics.Median(result.Config.Seeds.Select(s => sensitivity(result.Run(last, s)) / sensitivity(result.Run(first, s))));
        return new ClaimEvidence(seeds, Evidence.Parameters(result.Parameters),
            $"Spearman ρ(batch size, sensitivity) per seed: {rhos}; median sensitivity at batch {last} / at batch {first}: {ratio:0.###}");
    }

    private static ClaimEvidence BestBatchSize(SensitivityResult result)
    {
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var runs = result.OfSeed(seed);
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
            return best is >= BestBatchLow and <= BestBatchHigh;
        });
        string bests = string.Join(", ", seeds.Select(s => s.Metrics["best-batch-size"].Integer));
        return new ClaimEvidence(seeds, Evidence.Parameters(result.Parameters), $"best batch size by test accuracy per seed: {bests}");
    }
}
