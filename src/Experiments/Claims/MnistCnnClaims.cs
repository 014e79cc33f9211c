using Homework.Experiments.Golden;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Experiments.Claims;

/// <summary>The claims of report part 1-1, "Train on actual tasks", on the <c>mnist-cnn</c> experiment (figures 5-6).</summary>
public static class MnistCnnClaims
{
    /// <summary>"Converged by the end": the last quarter of the epochs brings less than 10% of the total decrease.</summary>
    public static Flattening Flat { get; } = new(TailFraction: 0.25, MaxShare: 0.10);

    // The claims are declared after everything their initialisers read: static initialisers run in textual order.

    public static Claim<MnistCnnResult> LossesConverge { get; } = new()
    {
        Id = "1-1/cnn/losses-converge",
        Statement = "The loss that happened during the training of models 1 and 2 is shown in figure 5. For two models, convergence is often attained after 70 epochs.",
        Criterion = $"For both CNNs the mean training loss per epoch has flattened by the last epoch: {Flat}.",
        Experiment = MnistCnn.Experiment,
        Figures = [5],
        Check = Converge,
    };

    public static Claim<MnistCnnResult> TrainBeatsTest { get; } = new()
    {
        Id = "1-1/cnn/train-beats-test",
        Statement = "As predicted, we can see that two models regularly outperform each other on training data compared to test data.",
        Criterion = "For both CNNs, accuracy on the training set is higher than on the test set at the last epoch and in a majority of the epochs.",
        Experiment = MnistCnn.Experiment,
        Figures = [6],
        Check = MoreAccurateOnTraining,
    };

    public static IReadOnlyList<Claim> All { get; } = [LossesConverge, TrainBeatsTest];

    private static ClaimEvidence Converge(MnistCnnResult result)
    {
        var shares = new List<double>();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            bool holds = true;
            foreach (var net in result.Config.Nets)
            {
                var run = result.Run(net.Name, seed);
                var loss = run.Epochs.Select(e => e.Loss).ToList();
                double share = Flat.TailShare(loss);
                metrics[$"{net.Name}/tail-share"] = share;
                metrics[$"{net.Name}/first-train-loss"] = loss[0];
                metrics[$"{net.Name}/final-train-loss"] = loss[^1];
                holds &= Flat.HasFlattened(loss);
                shares.Add(share);
            }
            return holds;
        });
        string summary = $"flattened in {Evidence.Count(seeds)} seeds; last-quarter share of the loss decrease " +
                         $"{Evidence.Percent(shares.Min())}-{Evidence.Percent(shares.Max())}";
        return new ClaimEvidence(seeds, Evidence.None, summary);
    }

    private static ClaimEvidence MoreAccurateOnTraining(MnistCnnResult result)
    {
        var gaps = new List<double>();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            bool holds = true;
            foreach (var net in result.Config.Nets)
            {
                var epochs = result.Run(net.Name, seed).Epochs.Where(e => e.Train is not null && e.Test is not null).ToList();
                var last = epochs[^1];
                double ahead = epochs.Count(e => e.Train!.Accuracy > e.Test!.Accuracy) / (double)epochs.Count;
                metrics[$"{net.Name}/final-train-accuracy"] = last.Train!.Accuracy!.Value;
                metrics[$"{net.Name}/final-test-accuracy"] = last.Test!.Accuracy!.Value;
                metrics[$"{net.Name}/final-test-loss"] = last.Test.Loss;
                metrics[$"{net.Name}/epochs-train-ahead"] = ahead;
                holds &= last.Train.Accuracy > last.Test.Accuracy && ahead > 0.5;
                gaps.Add(last.Train.Accuracy!.Value - last.Test.Accuracy!.Value);
            }
            return holds;
        });
        string summary = $"holds in {Evidence.Count(seeds)} seeds; final train - test accuracy " +
                         $"{gaps.Min() * 100:+0.00;-0.00} to {gaps.Max() * 100:+0.00;-0.00} points";
        return new ClaimEvidence(seeds, Evidence.None, summary);
    }
}
