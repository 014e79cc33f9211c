using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>The claims of report part 1-3: random labels (figure 11) and number of parameters (figures 12-13).</summary>
public static class GeneralizationClaims
{
    /// <summary>"Fits": training accuracy on the random labels of at least this much.</summary>
    public const double FitAccuracy = 0.90;

    /// <summary>"Near chance": within this much of 10% test accuracy.</summary>
    public const double ChanceMargin = 0.05;

    /// <summary>"Little to no progress": the largest nets gain less than this share of what the smallest gain per doubling.</summary>
    public const double DiminishedShare = 0.2;

    private const string RandomLabelsTitle = "1-3 CAN NETWORK FIT RANDOM LABELS (Figure 11; the report gives the title and the figure, the expectation is Zhang et al. 2017's: deep networks easily fit random labels, and learn nothing that generalises).";

    public static IReadOnlyList<Claim> All { get; } =
    [
        new Claim<RandomLabelsResult>
        {
            Id = "1-3/random-labels/fits-random-labels",
            Statement = RandomLabelsTitle,
            Criterion = $"Training accuracy against the random labels reaches at least {FitAccuracy * 100:0}% by the last epoch.",
            Experiment = "random-labels",
            Figures = [11],
            Check = r => RandomLabelEvidence(r, run => run.Epochs[^1].Train!.Accuracy >= FitAccuracy),
        },
        new Claim<RandomLabelsResult>
        {
            Id = "1-3/random-labels/test-loss-rises",
            Statement = RandomLabelsTitle,
            Criterion = "While the training loss falls (last epoch below the first), the test loss rises above its value after the first epoch.",
            Experiment = "random-labels",
            Figures = [11],
            Check = r => RandomLabelEvidence(r, run => run.Epochs[^1].Train!.Loss < run.Epochs[0].Train!.Loss && run.Epochs[^1].Test!.Loss > run.Epochs[0].Test!.Loss),
        },
        new Claim<RandomLabelsResult>
        {
            Id = "1-3/random-labels/test-accuracy-at-chance",
            Statement = RandomLabelsTitle,
            Criterion = $"Test accuracy against the true labels ends within {ChanceMargin * 100:0} points of chance (10%).",
            Experiment = "random-labels",
            Figures = [11],
            Check = r => RandomLabelEvidence(r, run => Math.Abs(run.Epochs[^1].Test!.Accuracy!.Value - 0.1) <= ChanceMargin),
        },
        new Claim<ParameterCountResult>
        {
            Id = "1-3/params/more-params-better",
            Statement = "If we look at Figures 12 and 13, adding more parameters to the model reduces loss while also improving accuracy.",
            Criterion = "Over the nets of a seed, Spearman's rank correlation of the parameter count is negative with the loss and positive with the accuracy, on the training and on the test set.",
            Experiment = "parameter-count",
            Figures = [12, 13],
            Check = MoreParametersBetter,
        },
        new Claim<ParameterCountResult>
        {
            Id = "1-3/params/diminishing-returns",
            Statement = "However, after a certain number of parameters, there is little to no progress in the model from iteration to iteration. The model scarcely improves with more parameters included.",
            Criterion = $"Test accuracy gained per doubling of the parameters (least-squares slope of accuracy on log2 of the count) over the largest third of the nets is below {DiminishedShare * 100:0}% of that over the smallest third.",
            Experiment = "parameter-count",
            Figures = [12, 13],
            Check = DiminishingReturns,
        },
        new Claim<ParameterCountResult>
        {
            Id = "1-3/params/train-beats-test",
            Statement = "If we look at Figure 13, we can see that when the models are run on the training dataset instead of the testing dataset, they get greater accuracies and lower loss values.",
            Criterion = "For more than half of a seed's nets, accuracy is higher and loss lower on the training set than on the test set.",
            Experiment = "parameter-count",
            Figures = [13],
            Check = TrainBeatsTest,
        },
    ];

    private static ClaimEvidence RandomLabelEvidence(RandomLabelsResult result, Func<RandomLabelsRun, bool> holds)
    {
        var seeds = result.Runs.Select(run =>
        {
            var (first, last) = (run.Epochs[0], run.Epochs[^1]);
            var metrics = Evidence.Metrics();
            metrics["final-train-accuracy"] = last.Train!.Accuracy!.Value;
            metrics["final-test-accuracy"] = last.Test!.Accuracy!.Value;
            metrics["first-train-loss"] = first.Train!.Loss;
            metrics["final-train-loss"] = last.Train.Loss;
            metrics["first-test-loss"] = first.Test!.Loss;
            metrics["final-test-loss"] = last.Test.Loss;
            metrics["epoch-fitted"] = run.Epochs.FirstOrDefault(e => e.Train!.Accuracy >= FitAccuracy)?.Epoch ?? -1;
            return new SeedEvidence(run.Seed, holds(run), metrics);
        }).ToList();
        var finals = result.Runs.Select(r => r.Epochs[^1]).ToList();
        string summary = $"holds in {Evidence.Count(seeds.Select(s => s.Holds))} seeds; final train accuracy (random labels) {Evidence.Percent(finals.Min(e => e.Train!.Accuracy!.Value))}-{Evidence.Percent(finals.Max(e => e.Train!.Accuracy!.Value))}, " +
                         $"test accuracy {Evidence.Percent(finals.Min(e => e.Test!.Accuracy!.Value))}-{Evidence.Percent(finals.Max(e => e.Test!.Accuracy!.Value))}, " +
                         $"test loss {result.Runs.Average(r => r.Epochs[0].Test!.Loss):0.00} -> {finals.Average(e => e.Test!.Loss):0.00}";
        return new ClaimEvidence(seeds, Evidence.None, summary);
    }

    private static ClaimEvidence MoreParametersBetter(ParameterCountResult result)
    {
        var seeds = new List<SeedEvidence>();
        foreach (int seed in result.Config.Seeds)
        {
            var nets = result.OfSeed(seed);
            var size = nets.Select(n => (double)n.Parameters).ToList();
            double Rho(Func<SizedNet, double> value) => Statistics.Spearman(size, nets.Select(value).ToList());
            var metrics = Evidence.Metrics();
            metrics["spearman-train-loss"] = Rho(n => n.Train.Loss);
            metrics["spearman-test-loss"] = Rho(n => n.Test.Loss);
            metrics["spearman-train-accuracy"] = Rho(n => n.Train.Accuracy!.Value);
            metrics["spearman-test-accuracy"] = Rho(n => n.Test.Accuracy!.Value);
            bool holds = metrics["spearman-train-loss"].Real < 0 && metrics["spearman-test-loss"].Real < 0
                         && metrics["spearman-train-accuracy"].Real > 0 && metrics["spearman-test-accuracy"].Real > 0;
            seeds.Add(new SeedEvidence(seed, holds, metrics));
        }
        string rhos = string.Join(", ", seeds.Select(s => $"{s.Metrics["spearman-test-accuracy"].Real:+0.00;-0.00}"));
        return new ClaimEvidence(seeds, Evidence.None, $"holds in {Evidence.Count(seeds.Select(s => s.Holds))} seeds; Spearman ρ(parameters, test accuracy) per seed: {rhos}");
    }

    private static ClaimEvidence DiminishingReturns(ParameterCountResult result)
    {
        var seeds = new List<SeedEvidence>();
        foreach (int seed in result.Config.Seeds)
        {
            var nets = result.OfSeed(seed);
            int third = Math.Max(2, nets.Count / 3);
            double Slope(IEnumerable<SizedNet> group) => Statistics.LeastSquaresSlope(group.Select(n => Math.Log2(n.Parameters)).ToList(), group.Select(n => n.Test.Accuracy!.Value).ToList());
            double small = Slope(nets.Take(third)), large = Slope(nets.TakeLast(third));
            var metrics = Evidence.Metrics();
            metrics["gain-per-doubling-smallest"] = small;
            metrics["gain-per-doubling-largest"] = large;
            seeds.Add(new SeedEvidence(seed, large < DiminishedShare * small, metrics));
        }
        string gains = string.Join(", ", seeds.Select(s => $"{s.Metrics["gain-per-doubling-smallest"].Real * 100:0.0} -> {s.Metrics["gain-per-doubling-largest"].Real * 100:+0.00;-0.00}"));
        return new ClaimEvidence(seeds, Evidence.None, $"holds in {Evidence.Count(seeds.Select(s => s.Holds))} seeds; test-accuracy points per doubling, smallest -> largest third: {gains}");
    }

    private static ClaimEvidence TrainBeatsTest(ParameterCountResult result)
    {
        var seeds = new List<SeedEvidence>();
        foreach (int seed in result.Config.Seeds)
        {
            var nets = result.OfSeed(seed);
            double share = nets.Count(n => n.Train.Accuracy > n.Test.Accuracy && n.Train.Loss < n.Test.Loss) / (double)nets.Count;
            var metrics = Evidence.Metrics();
            metrics["share-train-ahead"] = share;
            seeds.Add(new SeedEvidence(seed, share > 0.5, metrics));
        }
        return new ClaimEvidence(seeds, Evidence.None,
            $"holds in {Evidence.Count(seeds.Select(s => s.Holds))} seeds; nets better on the training set: {string.Join(", ", seeds.Select(s => Evidence.Percent(s.Metrics["share-train-ahead"].Real, 0)))}");
    }
}
