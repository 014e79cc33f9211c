using Homework.Experiments.Golden;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Experiments.Claims;

/// <summary>The claims of report part 1-1, "Train on actual tasks", on the <c>mnist-cnn</c> experiment (figures 5-6).</summary>
public static class MnistCnnClaims
{
    /// <summary>The loss of the best constant prediction over ten balanced classes (MNIST's training labels have entropy 2.301).</summary>
    public static readonly double ReferenceLoss = Math.Log(10);

    /// <summary>"Converged by the end": the project's one rule, over the last quarter of the epochs.</summary>
    public static Convergence RuleFor(int epochs) => new(Window: Math.Max(1, epochs / 4));

    // The claims are declared after everything their initialisers read: static initialisers run in textual order.

    public static Claim<MnistCnnResult> LossesConverge { get; } = new()
    {
        Id = "1-1/cnn/losses-converge",
        Statement = "The loss that happened during the training of models 1 and 2 is shown in figure 5. For two models, convergence is often attained after 70 epochs.",
        Criterion = "A CNN's training has converged by its last epoch when its best mean training cross-entropy per epoch is at most 10% of ln 10 (the loss of the best constant prediction) " +
                    "and the last quarter of the epochs took less than 1% of ln 10 off it (the project's one convergence rule). " +
                    "Each CNN is trained once per seed; the CNN with the smaller share of converged trainings decides, by its 95% Wilson interval: reproduced when it lies above one half, contradicted when below. " +
                    "(The old rule, the last quarter bringing less than 10% of the loss's total decrease, held for a net stuck at a high loss too.)",
        Experiment = MnistCnn.Experiment,
        Figures = [5],
        Check = Converge,
    };

    public static Claim<MnistCnnResult> TrainBeatsTest { get; } = new()
    {
        Id = "1-1/cnn/train-beats-test",
        Statement = "As predicted, we can see that two models regularly outperform each other on training data compared to test data.",
        Criterion = "Per seed: the training minus the test accuracy, averaged over the evaluated epochs (\"regularly\"), for the CNN where it is smaller; the mean over seeds with its 95% t interval must lie above 0.",
        Experiment = MnistCnn.Experiment,
        Figures = [6],
        Check = MoreAccurateOnTraining,
    };

    public static IReadOnlyList<Claim> All { get; } = [LossesConverge, TrainBeatsTest];

    private static ClaimEvidence Converge(MnistCnnResult result)
    {
        var rule = RuleFor(result.Config.Epochs);
        var converged = result.Config.Nets.ToDictionary(n => n.Name, _ => 0);
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            bool holds = true;
            foreach (var net in result.Config.Nets)
            {
                var loss = result.Run(net.Name, seed).Epochs.Select(e => e.Loss).ToList();
                var (level, drop) = rule.Remaining(loss, ReferenceLoss);
                metrics[$"{net.Name}/first-train-loss"] = loss[0];
                metrics[$"{net.Name}/final-train-loss"] = loss[^1];
                metrics[$"{net.Name}/last-quarter-drop"] = drop;
                bool ok = rule.AtEnd(loss, ReferenceLoss);
                if (ok) converged[net.Name]++;
                holds &= ok;
            }
            return holds;
        });
        int n = result.Config.Seeds.Length;
        var effect = Evidence.WeakestShare("share of a CNN's trainings converged by the last epoch", converged.Select(c => (c.Key, c.Value, n)), Side.Above, 0.5);
        var drops = seeds.SelectMany(s => result.Config.Nets.Select(net => s.Metrics[$"{net.Name}/last-quarter-drop"].Real)).ToList();
        string summary = $"converged: {string.Join(", ", converged.Select(c => $"{c.Key} {c.Value}/{n}"))}; the last quarter took " +
                         $"{Evidence.Percent(drops.Min())}-{Evidence.Percent(drops.Max())} of ln 10 off the loss (flat: under {Evidence.Percent(rule.FlatShare, 0)})";
        return new ClaimEvidence(seeds, Evidence.None, summary, effect);
    }

    private static ClaimEvidence MoreAccurateOnTraining(MnistCnnResult result)
    {
        var gaps = new List<double>();
        var finals = new List<double>();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            double smallest = double.PositiveInfinity;
            foreach (var net in result.Config.Nets)
            {
                var epochs = result.Run(net.Name, seed).Epochs.Where(e => e.Train is not null && e.Test is not null).ToList();
                var last = epochs[^1];
                double mean = epochs.Average(e => e.Train!.Accuracy!.Value - e.Test!.Accuracy!.Value);
                metrics[$"{net.Name}/final-train-accuracy"] = last.Train!.Accuracy!.Value;
                metrics[$"{net.Name}/final-test-accuracy"] = last.Test!.Accuracy!.Value;
                metrics[$"{net.Name}/final-test-loss"] = last.Test.Loss;
                metrics[$"{net.Name}/mean-accuracy-gap"] = mean;
                smallest = Math.Min(smallest, mean);
                finals.Add(last.Train.Accuracy!.Value - last.Test.Accuracy!.Value);
            }
            gaps.Add(smallest);
            return smallest > 0;
        });
        var effect = Evidence.MeanOverSeeds("training minus test accuracy, mean over epochs, of the CNN where it is smaller", gaps, Side.Above, 0);
        string summary = $"train − test accuracy {Evidence.Signed(effect.Estimate * 100)} points [{Evidence.Signed(effect.Low * 100)}, {Evidence.Signed(effect.High * 100)}] over the epochs; " +
                         $"at the last epoch {Evidence.Signed(finals.Min() * 100)} to {Evidence.Signed(finals.Max() * 100)} points";
        return new ClaimEvidence(seeds, Evidence.None, summary, effect);
    }
}
