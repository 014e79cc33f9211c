using Homework.Experiments.Golden;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Experiments.Claims;

/// <summary>The claims of report part 1-1, "Train on actual tasks" (figures 5-6).</summary>
public static class CnnTrainingClaims
{
    public const string Experiment = "mnist-cnn";

    /// <summary>"Converged by the end": the last quarter of the epochs brings less than 10% of the total decrease.</summary>
    public static Flattening Flat { get; } = new(TailFraction: 0.25, MaxShare: 0.10);

    public static IReadOnlyList<Claim> All { get; } =
    [
        new Claim<CnnTrainingResult>
        {
            Id = "1-1/cnn/losses-converge",
            Statement = "The loss that happened during the training of models 1 and 2 is shown in figure 5. For two models, convergence is often attained after 70 epochs.",
            Criterion = $"For both CNNs the mean training loss per epoch has flattened by the last epoch: {Flat}.",
            Experiment = Experiment,
            Figures = [5],
            Check = Converge,
        },
        new Claim<CnnTrainingResult>
        {
            Id = "1-1/cnn/train-beats-test",
            Statement = "As predicted, we can see that two models regularly outperform each other on training data compared to test data.",
            Criterion = "For both CNNs, accuracy on the training set is higher than on the test set at the last epoch and in a majority of the epochs.",
            Experiment = Experiment,
            Figures = [6],
            Check = TrainBeatsTest,
        },
    ];

    private static ClaimEvidence Converge(CnnTrainingResult result)
    {
        var seeds = new List<SeedEvidence>();
        var shares = new List<double>();
        foreach (int seed in result.Config.Seeds)
        {
            var metrics = Evidence.Metrics();
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
            seeds.Add(new SeedEvidence(seed, holds, metrics));
        }
        string summary = $"flattened in {Evidence.Count(seeds.Select(s => s.Holds))} seeds; last-quarter share of the loss decrease " +
                         $"{Evidence.Percent(shares.Min())}-{Evidence.Percent(shares.Max())}";
        return new ClaimEvidence(seeds, Evidence.None, summary);
    }

    private static ClaimEvidence TrainBeatsTest(CnnTrainingResult result)
    {
        var seeds = new List<SeedEvidence>();
        var gaps = new List<double>();
        foreach (int seed in result.Config.Seeds)
        {
            var metrics = Evidence.Metrics();
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
            seeds.Add(new SeedEvidence(seed, holds, metrics));
        }
        string summary = $"holds in {Evidence.Count(seeds.Select(s => s.Holds))} seeds; final train - test accuracy " +
                         $"{gaps.Min() * 100:+0.00;-0.00} to {gaps.Max() * 100:+0.00;-0.00} points";
        return new ClaimEvidence(seeds, Evidence.None, summary);
    }
}
