using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>
/// The claims of report part 1-3, "Can network fit random labels", on the <c>random-labels</c>
/// experiment (figure 11). The report gives only the title and the figure, so the three claims
/// share one statement and differ in their criteria: the net fits the random labels, its test
/// loss rises meanwhile, and its test accuracy stays at chance.
/// </summary>
public static class RandomLabelsClaims
{
    /// <summary>"Fits": training accuracy on the random labels of at least this much.</summary>
    public const double FitAccuracy = 0.90;

    /// <summary>"Near chance": within this much of 10% test accuracy.</summary>
    public const double ChanceMargin = 0.05;

    private const string Title = "1-3 CAN NETWORK FIT RANDOM LABELS (Figure 11; the report gives the title and the figure, the expectation is Zhang et al. 2017's: deep networks easily fit random labels, and learn nothing that generalises).";

    // The claims are declared after everything their initialisers read: static initialisers run in textual order.

    public static Claim<RandomLabelsResult> FitsRandomLabels { get; } = new()
    {
        Id = "1-3/random-labels/fits-random-labels",
        Statement = Title,
        Criterion = $"Per seed, the training accuracy against the random labels at the last epoch; the mean over seeds with its 95% t interval must lie above {FitAccuracy * 100:0}% (chance is 10%: a net that learns nothing cannot pass).",
        Experiment = RandomLabels.Experiment,
        Figures = [11],
        Check = r => Judge(r, "final training accuracy on the random labels", run => run.Epochs[^1].Train!.Accuracy!.Value, Side.Above, FitAccuracy),
    };

    public static Claim<RandomLabelsResult> TestLossRises { get; } = new()
    {
        Id = "1-3/random-labels/test-loss-rises",
        Statement = Title,
        Criterion = "Per seed, log₁₀ of the test loss at the last epoch over that after the first; the mean over seeds with its 95% t interval must lie above 0. (The training loss falls meanwhile: recorded beside it.)",
        Experiment = RandomLabels.Experiment,
        Figures = [11],
        Check = r => Judge(r, "log₁₀ of the final over the first-epoch test loss", run => Math.Log10(run.Epochs[^1].Test!.Loss / run.Epochs[0].Test!.Loss), Side.Above, 0),
    };

    public static Claim<RandomLabelsResult> TestAccuracyAtChance { get; } = new()
    {
        Id = "1-3/random-labels/test-accuracy-at-chance",
        Statement = Title,
        Criterion = $"A check of the setup, not a finding: the labels are drawn independently of the images, so no net can do better than chance on the true test labels. Per seed, |test accuracy − 10%| at the last epoch; the mean over seeds with its 95% t interval must lie below {ChanceMargin * 100:0} points.",
        Kind = ClaimKind.Check,
        Experiment = RandomLabels.Experiment,
        Figures = [11],
        Check = r => Judge(r, "distance of the final test accuracy from chance (10%)", run => Math.Abs(run.Epochs[^1].Test!.Accuracy!.Value - 0.1), Side.Below, ChanceMargin),
    };

    public static IReadOnlyList<Claim> All { get; } = [FitsRandomLabels, TestLossRises, TestAccuracyAtChance];

    /// <summary>The same metrics for all three claims; the effect is the mean over seeds of the claim's own number per seed.</summary>
    private static ClaimEvidence Judge(RandomLabelsResult result, string measure, Func<RandomLabelsRun, double> perSeed, Side claimed, double threshold)
    {
        var seeds = Evidence.PerSeed(result.Runs, run => run.Seed, (run, metrics) =>
        {
            var (first, last) = (run.Epochs[0], run.Epochs[^1]);
            metrics["final-train-accuracy"] = last.Train!.Accuracy!.Value;
            metrics["final-test-accuracy"] = last.Test!.Accuracy!.Value;
            metrics["first-train-loss"] = first.Train!.Loss;
            metrics["final-train-loss"] = last.Train.Loss;
            metrics["first-test-loss"] = first.Test!.Loss;
            metrics["final-test-loss"] = last.Test.Loss;
            metrics["epoch-fitted"] = run.Epochs.FirstOrDefault(e => e.Train!.Accuracy >= FitAccuracy)?.Epoch ?? -1;
            double value = perSeed(run);
            return claimed == Side.Above ? value > threshold : value < threshold;
        });
        var effect = Evidence.MeanOverSeeds(measure, result.Runs.Select(perSeed), claimed, threshold);
        var finals = result.Runs.Select(r => r.Epochs[^1]).ToList();
        string summary = $"final train accuracy (random labels) {Evidence.Percent(finals.Min(e => e.Train!.Accuracy!.Value))}-{Evidence.Percent(finals.Max(e => e.Train!.Accuracy!.Value))}, " +
                         $"test accuracy {Evidence.Percent(finals.Min(e => e.Test!.Accuracy!.Value))}-{Evidence.Percent(finals.Max(e => e.Test!.Accuracy!.Value))}, " +
                         $"test loss {result.Runs.Average(r => r.Epochs[0].Test!.Loss):0.00} -> {finals.Average(e => e.Test!.Loss):0.00}";
        return new ClaimEvidence(seeds, Evidence.None, summary, effect);
    }
}
