using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>The claims of report part 1-3, "Number of parameters v.s. generalization", on the <c>parameter-count</c> experiment (figures 12-13).</summary>
public static class ParameterCountClaims
{
    /// <summary>"Little to no progress": a doubling of the parameters removes less than this share of the test error that remains.</summary>
    public const double LittleProgress = 0.1;

    // The claims are declared after everything their initialisers read: static initialisers run in textual order.

    public static Claim<ParameterCountResult> MoreParamsBetter { get; } = new()
    {
        Id = "1-3/params/more-params-better",
        Statement = "If we look at Figures 12 and 13, adding more parameters to the model reduces loss while also improving accuracy.",
        Criterion = "Per seed, over its nets, Spearman's rank correlations of the parameter count with the accuracy and (negated) with the loss, on the training and on the test set; the weakest of the four. " +
                    "The mean over seeds with its 95% t interval must lie above 0; p is Fisher's combination of the seeds' one-sided p-values of that weakest correlation against unrelated pairs.",
        Experiment = ParameterCount.Experiment,
        Figures = [12, 13],
        Check = MoreParametersBetter,
    };

    public static Claim<ParameterCountResult> DiminishingReturns { get; } = new()
    {
        Id = "1-3/params/diminishing-returns",
        Statement = "However, after a certain number of parameters, there is little to no progress in the model from iteration to iteration. The model scarcely improves with more parameters included.",
        Criterion = "Judged on the error that remains, not on accuracy points (near the ceiling every net gains few points): per seed, the share of the test error that one doubling of the parameters removes, " +
                    "1 − (e₂/e₁)^(1/log₂(p₂/p₁)) between consecutive nets, averaged over the largest third of the nets. \"Little to no progress\" means a doubling removes less than " +
                    $"{LittleProgress * 100:0}% of the remaining error: the mean over seeds with its 95% t interval must lie below that. The same share over the smallest third is recorded for comparison.",
        Experiment = ParameterCount.Experiment,
        Figures = [12, 13],
        Check = SmallerGainsForLargerNets,
    };

    public static Claim<ParameterCountResult> TrainBeatsTest { get; } = new()
    {
        Id = "1-3/params/train-beats-test",
        Statement = "If we look at Figure 13, we can see that when the models are run on the training dataset instead of the testing dataset, they get greater accuracies and lower loss values.",
        Criterion = "Per seed, the share of its nets that have both a higher accuracy and a lower loss on the training set than on the test set; the mean over seeds with its 95% t interval must lie above one half.",
        Experiment = ParameterCount.Experiment,
        Figures = [13],
        Check = BetterOnTraining,
    };

    public static IReadOnlyList<Claim> All { get; } = [MoreParamsBetter, DiminishingReturns, TrainBeatsTest];

    private static ClaimEvidence MoreParametersBetter(ParameterCountResult result)
    {
        var weakest = new List<double>();
        var pValues = new List<double>();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var nets = result.OfSeed(seed);
            var size = nets.Select(n => (double)n.Parameters).ToList();
            // Each correlation with the side the claim puts it on: the loss falls, the accuracy rises.
            (string Name, List<double> Values, bool Negative)[] measures =
            [
                ("spearman-train-loss", nets.Select(n => n.Train.Loss).ToList(), true),
                ("spearman-test-loss", nets.Select(n => n.Test.Loss).ToList(), true),
                ("spearman-train-accuracy", nets.Select(n => n.Train.Accuracy!.Value).ToList(), false),
                ("spearman-test-accuracy", nets.Select(n => n.Test.Accuracy!.Value).ToList(), false),
            ];
            // The points of figures 12 and 13 the correlations are read from: each net's loss and accuracy.
            foreach (var net in nets)
            {
                metrics[$"width-{net.HiddenWidth}/train-loss"] = net.Train.Loss;
                metrics[$"width-{net.HiddenWidth}/test-loss"] = net.Test.Loss;
                metrics[$"width-{net.HiddenWidth}/train-accuracy"] = net.Train.Accuracy!.Value;
                metrics[$"width-{net.HiddenWidth}/test-accuracy"] = net.Test.Accuracy!.Value;
            }
            foreach (var (name, values, _) in measures)
                metrics[name] = Statistics.Spearman(size, values);
            var weakestMeasure = measures.MinBy(m => m.Negative ? -metrics[m.Name].Real : metrics[m.Name].Real);
            double least = weakestMeasure.Negative ? -metrics[weakestMeasure.Name].Real : metrics[weakestMeasure.Name].Real;
            double p = Statistics.SpearmanP(size, weakestMeasure.Values, weakestMeasure.Negative);
            metrics["weakest-spearman"] = least;
            metrics["p"] = p;
            weakest.Add(least);
            pValues.Add(p);
            return least > 0;
        });
        var effect = Evidence.MeanOverSeeds("weakest of the rank correlations of the parameter count with accuracy and with −loss (train and test)", weakest, Side.Above, 0)
            with { P = Intervals.FisherCombined(pValues), Null = "parameter counts and results unrelated (t approximation of Spearman's ρ per seed, exact for up to 8 nets)" };
        string rhos = string.Join(", ", seeds.Select(s => $"{s.Metrics["spearman-test-accuracy"].Real:+0.00;-0.00}"));
        return new ClaimEvidence(seeds, Evidence.None,
            $"weakest ρ {Evidence.Signed(effect.Estimate)} [{Evidence.Signed(effect.Low)}, {Evidence.Signed(effect.High)}], p = {Effect.Number(effect.P!.Value)}; ρ(parameters, test accuracy) per seed: {rhos}", effect);
    }

    /// <summary>The share of the remaining test error one doubling of the parameters removes, averaged over consecutive pairs of <paramref name="nets"/>.</summary>
    public static double ErrorRemovedPerDoubling(IReadOnlyList<SizedNet> nets) =>
        nets.Zip(nets.Skip(1), (a, b) =>
            1 - Math.Pow((1 - b.Test.Accuracy!.Value) / (1 - a.Test.Accuracy!.Value), 1 / Math.Log2((double)b.Parameters / a.Parameters))).Average();

    private static ClaimEvidence SmallerGainsForLargerNets(ParameterCountResult result)
    {
        var large = new List<double>();
        var small = new List<double>();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var nets = result.OfSeed(seed).OrderBy(n => n.Parameters).ToList();
            int third = Math.Max(2, nets.Count / 3);
            double smallest = ErrorRemovedPerDoubling(nets.Take(third).ToList()), largest = ErrorRemovedPerDoubling(nets.TakeLast(third).ToList());
            metrics["error-removed-per-doubling-smallest"] = smallest;
            metrics["error-removed-per-doubling-largest"] = largest;
            metrics["test-error-largest"] = 1 - nets[^1].Test.Accuracy!.Value;
            large.Add(largest);
            small.Add(smallest);
            return largest < LittleProgress;
        });
        var effect = Evidence.MeanOverSeeds("share of the remaining test error a doubling of the parameters removes, largest third of the nets", large, Side.Below, LittleProgress);
        string summary = $"a doubling removes {Evidence.Percent(effect.Estimate)} [{Evidence.Percent(effect.Low)}, {Evidence.Percent(effect.High)}] of the remaining test error among the largest nets, " +
                         $"{Evidence.Percent(small.Average())} among the smallest";
        return new ClaimEvidence(seeds, Evidence.None, summary, effect);
    }

    private static ClaimEvidence BetterOnTraining(ParameterCountResult result)
    {
        var shares = new List<double>();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var nets = result.OfSeed(seed);
            double share = nets.Count(n => n.Train.Accuracy > n.Test.Accuracy && n.Train.Loss < n.Test.Loss) / (double)nets.Count;
            metrics["share-train-ahead"] = share;
            shares.Add(share);
            return share > 0.5;
        });
        var effect = Evidence.MeanOverSeeds("share of nets better on the training set in both accuracy and loss", shares, Side.Above, 0.5);
        return new ClaimEvidence(seeds, Evidence.None,
            $"{Evidence.Percent(effect.Estimate, 0)} of nets better on the training set [{Evidence.Percent(effect.Low, 0)}, {Evidence.Percent(effect.High, 0)}]; per seed {string.Join(", ", shares.Select(s => Evidence.Percent(s, 0)))}", effect);
    }
}
