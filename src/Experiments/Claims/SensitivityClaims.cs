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
    /// <summary>The report's "between 10² and 10³", inclusive.</summary>
    public const int BestBatchLow = 100, BestBatchHigh = 1000;

    // The claims are declared after everything their initialisers read: static initialisers run in textual order.

    public static Claim<SensitivityResult> DecreasesReportMeasure { get; } = Decreasing("1-3/sensitivity/decreases-with-batch-size-report-measure", ClaimKind.Artifact,
        "S1 as the report measures it (an artifact: with a batch-mean loss every sample's gradient is divided by the batch size B, so it falls like 1/√B whatever the nets learned; shown as the report's number, not counted as evidence): the Frobenius norm of the gradient of the batch-mean cross-entropy with respect to the batch's inputs, in batches of each net's own training batch size over the sensitivity set (the first test images), averaged over the batches",
        r => r.ReportSensitivity);

    public static Claim<SensitivityResult> DecreasesFixedSet { get; } = Decreasing("1-3/sensitivity/decreases-with-batch-size-fixed-set", ClaimKind.Finding,
        "S1 on a fixed footing: the mean over the sensitivity set (the first test images, the same for every net) of each sample's ‖∂ℓᵢ/∂xᵢ‖_F, the gradient of that sample's own cross-entropy",
        r => r.LossGradientSensitivity);

    public static Claim<SensitivityResult> DecreasesJacobian { get; } = Decreasing("1-3/sensitivity/decreases-with-batch-size-jacobian", ClaimKind.Finding,
        "S2 (Novak et al. 2018): the mean over the sensitivity set of each sample's input-output Jacobian norm ‖∂zᵢ/∂xᵢ‖_F, z the ten logits",
        r => r.JacobianSensitivity);

    public static Claim<SensitivityResult> BestBatchSize100To1000 { get; } = new()
    {
        Id = "1-3/sensitivity/best-batch-size-100-to-1000",
        Statement = "As a consequence, we draw the conclusion that the network will perform best when the batch size is between 102 and 103. (That is 10² and 10³; the superscripts are lost in the report's text.)",
        Criterion = $"Per seed, of the nets trained with the experiment's batch sizes for the same number of epochs: the best test accuracy among batch sizes from {BestBatchLow} to {BestBatchHigh:N0} minus the best among the others; " +
                    "the mean over seeds with its 95% t interval must lie above 0 (the old rule only asked which size won, however small the margin).",
        Experiment = Sensitivity.Experiment,
        Figures = [16, 17],
        Check = BestBatchSize,
    };

    public static IReadOnlyList<Claim> All { get; } = [DecreasesReportMeasure, DecreasesFixedSet, DecreasesJacobian, BestBatchSize100To1000];

    private static Claim<SensitivityResult> Decreasing(string id, ClaimKind kind, string description, Func<SensitivityRun, double> sensitivity) => new()
    {
        Id = id,
        Kind = kind,
        Statement = "Next, the forbenius norm of gradient approach was used to determine the models' sensitivity. [...] Sensitivity decreases with batch size.",
        Criterion = $"Sensitivity is {description}. Per seed, Spearman's rank correlation between the batch size and the sensitivity of its nets; " +
                    "the mean over seeds with its 95% t interval must lie below 0, and p is Fisher's combination of the seeds' exact one-sided p-values against unrelated pairs (every pairing of the values).",
        Experiment = Sensitivity.Experiment,
        Figures = [16, 17],
        Check = r => Decreases(r, sensitivity),
    };

    private static ClaimEvidence Decreases(SensitivityResult result, Func<SensitivityRun, double> sensitivity)
    {
        var rhos = new List<double>();
        var pValues = new List<double>();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var runs = result.OfSeed(seed);
            var (batch, values) = (runs.Select(r => (double)r.BatchSize).ToList(), runs.Select(sensitivity).ToList());
            double rho = Statistics.Spearman(batch, values);
            foreach (var run in runs)
                metrics[$"batch-{run.BatchSize}/sensitivity"] = sensitivity(run);
            metrics["spearman"] = rho;
            rhos.Add(rho);
            pValues.Add(Statistics.SpearmanP(batch, values, negative: true));
            return rho < 0;
        });
        var effect = Evidence.MeanOverSeeds("Spearman ρ(batch size, sensitivity)", rhos, Side.Below, 0)
            with { P = Intervals.FisherCombined(pValues), Null = "batch size and sensitivity unrelated (every pairing of a seed's batch sizes and sensitivities)" };
        var first = result.Config.BatchSizes[0];
        var last = result.Config.BatchSizes[^1];
        double ratio = Statistics.Median(result.Config.Seeds.Select(s => sensitivity(result.Run(last, s)) / sensitivity(result.Run(first, s))));
        return new ClaimEvidence(seeds, Evidence.Parameters(result.Parameters),
            $"ρ(batch size, sensitivity) {Evidence.Signed(effect.Estimate)} [{Evidence.Signed(effect.Low)}, {Evidence.Signed(effect.High)}], p = {Effect.Number(effect.P!.Value)}; " +
            $"median sensitivity at batch {last} / at batch {first}: {ratio:0.###}", effect);
    }

    private static ClaimEvidence BestBatchSize(SensitivityResult result)
    {
        var margins = new List<double>();
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
            bool Inside(SensitivityRun r) => r.BatchSize is >= BestBatchLow and <= BestBatchHigh;
            double margin = runs.Where(Inside).Select(r => r.Test.Accuracy!.Value).DefaultIfEmpty(double.NaN).Max()
                            - runs.Where(r => !Inside(r)).Select(r => r.Test.Accuracy!.Value).DefaultIfEmpty(double.NaN).Max();
            metrics["margin"] = margin;
            margins.Add(margin);
            return margin > 0;
        });
        var effect = Evidence.MeanOverSeeds($"best test accuracy with batch sizes {BestBatchLow}-{BestBatchHigh:N0} minus the best with the others", margins, Side.Above, 0);
        string bests = string.Join(", ", seeds.Select(s => s.Metrics["best-batch-size"].Integer));
        return new ClaimEvidence(seeds, Evidence.Parameters(result.Parameters),
            $"margin {Evidence.Signed(effect.Estimate * 100)} points [{Evidence.Signed(effect.Low * 100)}, {Evidence.Signed(effect.High * 100)}]; best batch size by test accuracy per seed: {bests}", effect);
    }
}
