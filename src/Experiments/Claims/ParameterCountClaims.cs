using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>The claims of report part 1-3, "Number of parameters v.s. generalization", on the <c>parameter-count</c> experiment (figures 12-13).</summary>
public static class ParameterCountClaims
{
    /// <summary>"Little to no progress": the largest nets gain less than this share of what the smallest gain per doubling.</summary>
    public const double DiminishedShare = 0.2;

    // The claims are declared after everything their initialisers read: static initialisers run in textual order.

    public static Claim<ParameterCountResult> MoreParamsBetter { get; } = new()
    {
        Id = "1-3/params/more-params-better",
        Statement = "If we look at Figures 12 and 13, adding more parameters to the model reduces loss while also improving accuracy.",
        Criterion = "Over the nets of a seed, Spearman's rank correlation of the parameter count is negative with the loss and positive with the accuracy, on the training and on the test set.",
        Experiment = ParameterCount.Experiment,
        Figures = [12, 13],
        Check = MoreParametersBetter,
    };

    public static Claim<ParameterCountResult> DiminishingReturns { get; } = new()
    {
        Id = "1-3/params/diminishing-returns",
        Statement = "However, after a certain number of parameters, there is little to no progress in the model from iteration to iteration. The model scarcely improves with more parameters included.",
        Criterion = $"Test accuracy gained per doubling of the parameters (least-squares slope of accuracy on log2 of the count) over the largest third of the nets is below {DiminishedShare * 100:0}% of that over the smallest third.",
        Experiment = ParameterCount.Experiment,
        Figures = [12, 13],
        Check = SmallerGainsForLargerNets,
    };

    public static Claim<ParameterCountResult> TrainBeatsTest { get; } = new()
    {
        Id = "1-3/params/train-beats-test",
        Statement = "If we look at Figure 13, we can see that when the models are run on the training dataset instead of the testing dataset, they get greater accuracies and lower loss values.",
        Criterion = "For more than half of a seed's nets, accuracy is higher and loss lower on the training set than on the test set.",
        Experiment = ParameterCount.Experiment,
        Figures = [13],
        Check = BetterOnTraining,
    };

    public static IReadOnlyList<Claim> All { get; } = [MoreParamsBetter, DiminishingReturns, TrainBeatsTest];

    private static ClaimEvidence MoreParametersBetter(ParameterCountResult result)
    {
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var nets = result.OfSeed(seed);
            var size = nets.Select(n => (double)n.Parameters).ToList();
            double Rho(Func<SizedNet, double> value) => Statistics.Spearman(size, nets.Select(value).ToList());
            metrics["spearman-train-loss"] = Rho(n => n.Train.Loss);
            metrics["spearman-test-loss"] = Rho(n => n.Test.Loss);
            metrics["spearman-train-accuracy"] = Rho(n => n.Train.Accuracy!.Value);
            metrics["spearman-test-accuracy"] = Rho(n => n.Test.Accuracy!.Value);
            return metrics["spearman-train-loss"].Real < 0 && metrics["spearman-test-loss"].Real < 0
                   && metrics["spearman-train-accuracy"].Real > 0 && metrics["spearman-test-accuracy"].Real > 0;
        });
        string rhos = string.Join(", ", seeds.Select(s => $"{s.Metrics["spearman-test-accuracy"].Real:+0.00;-0.00}"));
        return new ClaimEvidence(seeds, Evidence.None, $"holds in {Evidence.Count(seeds)} seeds; Spearman ρ(parameters, test accuracy) per seed: {rhos}");
    }

    private static ClaimEvidence SmallerGainsForLargerNets(ParameterCountResult result)
    {
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var nets = result.OfSeed(seed);
            int third = Math.Max(2, nets.Count / 3);
            double Slope(IEnumerable<SizedNet> group) => Statistics.LeastSquaresSlope(group.Select(n => Math.Log2(n.Parameters)).ToList(), group.Select(n => n.Test.Accuracy!.Value).ToList());
            double small = Slope(nets.Take(third)), large = Slope(nets.TakeLast(third));
            metrics["gain-per-doubling-smallest"] = small;
            metrics["gain-per-doubling-largest"] = large;
            return large < DiminishedShare * small;
        });
        string gains = string.Join(", ", seeds.Select(s => $"{s.Metrics["gain-per-doubling-smallest"].Real * 100:0.0} -> {s.Metrics["gain-per-doubling-largest"].Real * 100:+0.00;-0.00}"));
        return new ClaimEvidence(seeds, Evidence.None, $"holds in {Evidence.Count(seeds)} seeds; test-accuracy points per doubling, smallest -> largest third: {gains}");
    }

    private static ClaimEvidence BetterOnTraining(ParameterCountResult result)
    {
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var nets = result.OfSeed(seed);
            double share = nets.Count(n => n.Train.Accuracy > n.Test.Accuracy && n.Train.Loss < n.Test.Loss) / (double)nets.Count;
            metrics["share-train-ahead"] = share;
            return share > 0.5;
        });
        return new ClaimEvidence(seeds, Evidence.None,
            $"holds in {Evidence.Count(seeds)} seeds; nets better on the training set: {string.Join(", ", seeds.Select(s => Evidence.Percent(s.Metrics["share-train-ahead"].Real, 0)))}");
    }
}
