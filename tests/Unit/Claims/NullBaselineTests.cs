using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Tests.Unit.Claims;

/// <summary>
/// Every criterion that could pass without its effect has a null baseline; on made-up data
/// without the effect (spikes unrelated to the loss, results unrelated to the parameter count or
/// the loss) each comes out inconclusive or contradicted, never reproduced; with the effect, reproduced.
/// </summary>
public sealed class NullBaselineTests
{
    // ---- 1-2 gradient norm: spikes and the loss's slope changes ----

    /// <summary>
    /// A run of 2,000 epochs: a loss decaying exponentially with multiplicative noise, whose slope
    /// changes at <paramref name="kinks"/>, and a gradient norm of 1 with spikes of 10 at <paramref name="spikes"/>.
    /// </summary>
    private static GradientNormRun Run(int seed, IReadOnlyCollection<int> kinks, IReadOnlyCollection<int> spikes)
    {
        var random = new Random(seed);
        var loss = new float[2000];
        double log = 0, slope = -1e-3;
        for (int e = 0; e < loss.Length; e++)
        {
            if (kinks.Contains(e)) slope *= 1.5;
            log += slope;
            loss[e] = (float)Math.Exp(log + 1e-5 * (random.NextDouble() - 0.5));
        }
        var norm = Enumerable.Range(0, loss.Length).Select(e => spikes.Contains(e) ? 10f : 1f).ToArray();
        return new GradientNormRun(seed, loss, norm, norm);
    }

    private static GradientNormResult Runs(Func<int, GradientNormRun> run) =>
        new(GradientNormConfig.Full, [.. Enumerable.Range(0, 5).Select(run)]);

    private static readonly int[] Kinks = [300, 700, 1100, 1500, 1800];

    [Fact]
    public void Spikes_where_the_loss_changes_slope_reproduce()
    {
        var outcome = GradientNormClaims.SpikesMatchLossSlope.Evaluate(Runs(s => Run(s, Kinks, Kinks)), Profile.Full);
        outcome.Verdict.Should().Be(Verdict.Reproduced);
        outcome.Evidence.Effect.P.Should().BeLessThan(0.01);
    }

    [Fact]
    public void Null_baseline_spikes_unrelated_to_the_loss_never_reproduce()
    {
        // The loss kinks at one set of epochs, the gradient norm spikes at another.
        int[] elsewhere = [420, 960, 1310, 1650, 1930];
        var outcome = GradientNormClaims.SpikesMatchLossSlope.Evaluate(Runs(s => Run(s, Kinks, elsewhere)), Profile.Full);
        outcome.Verdict.Should().NotBe(Verdict.Reproduced);
        outcome.Evidence.Effect.P.Should().BeGreaterThan(0.05);
    }

    [Fact]
    public void Without_spikes_the_premise_is_absent()
    {
        GradientNormClaims.SpikesMatchLossSlope.Evaluate(Runs(s => Run(s, Kinks, [])), Profile.Full).Verdict.Should().Be(Verdict.PremiseAbsent);
    }

    // ---- 1-2 minimal ratio: against the loss at near-critical points ----

    private static MinimalRatioResult Points(Func<double, Random, double> ratioOfLoss)
    {
        var config = MinimalRatioConfig.Quick with { Seeds = [0, 1, 2, 3, 4] };
        var points = from seed in config.Seeds
                     let random = new Random(100 + seed)
                     from index in Enumerable.Range(0, config.RunsPerSeed)
                     let loss = 0.001 + 0.01 * random.NextDouble()
                     select new CriticalPoint(seed, index, loss, 0.001 + 0.01 * random.NextDouble(), ratioOfLoss(loss, random), 0.2, -1, 1);
        return new MinimalRatioResult(config, points.ToArray());
    }

    [Fact]
    public void A_minimal_ratio_that_falls_with_the_loss_reproduces()
    {
        MinimalRatioClaims.FallsAsLossRises.Evaluate(Points((loss, random) => 0.8 - 20 * loss + 0.02 * random.NextDouble()), Profile.Quick)
            .Verdict.Should().Be(Verdict.Reproduced);
    }

    [Fact]
    public void Null_baseline_a_minimal_ratio_unrelated_to_the_loss_never_reproduces()
    {
        var outcome = MinimalRatioClaims.FallsAsLossRises.Evaluate(Points((_, random) => 0.3 + 0.4 * random.NextDouble()), Profile.Quick);
        outcome.Verdict.Should().NotBe(Verdict.Reproduced);
        outcome.Evidence.Effect.P.Should().BeGreaterThan(0.05);
    }

    // ---- 1-3 number of parameters ----

    private static ParameterCountResult Nets(Func<int, int, double> testError)
    {
        var config = ParameterCountConfig.Full;
        var nets = from seed in config.Seeds
                   from i in Enumerable.Range(0, config.HiddenWidths.Length)
                   let w = config.HiddenWidths[i]
                   let error = testError(i, seed)
                   select new SizedNet(seed, w, Homework.Models.Mlp.CountParameters(ParameterCountConfig.Widths(w)),
                       new Evaluation(error * 0.5, 1 - error * 0.5), new Evaluation(error, 1 - error));
        return new ParameterCountResult(config, nets.ToArray());
    }

    [Fact]
    public void Results_that_improve_with_the_parameter_count_reproduce()
    {
        MoreParamsBetterVerdict((i, s) => 0.9 * Math.Pow(0.7, i) + 0.001 * s).Should().Be(Verdict.Reproduced);
    }

    [Fact]
    public void Null_baseline_results_unrelated_to_the_parameter_count_never_reproduce()
    {
        // Each seed's errors are the same values in another order.
        var random = new Random(7);
        var orders = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 12).OrderBy(_ => random.Next()).ToArray()).ToArray();
        MoreParamsBetterVerdict((i, s) => 0.02 + 0.01 * orders[s][i]).Should().NotBe(Verdict.Reproduced);
    }

    private static Verdict MoreParamsBetterVerdict(Func<int, int, double> testError) =>
        ParameterCountClaims.MoreParamsBetter.Evaluate(Nets(testError), Profile.Full).Verdict;

    [Fact]
    public void Diminishing_returns_are_judged_on_the_error_that_remains()
    {
        // The error halves with every width step (about a doubling of parameters) up to the end: no diminishing returns,
        // though the largest nets gain only hundredths of a point in accuracy.
        ParameterCountClaims.DiminishingReturns.Evaluate(Nets((i, s) => 0.5 * Math.Pow(0.5, i) * (1 + 0.01 * s)), Profile.Full)
            .Verdict.Should().Be(Verdict.Contradicted);
        // The error stops falling at 2%: little to no progress among the largest nets.
        ParameterCountClaims.DiminishingReturns.Evaluate(Nets((i, s) => Math.Max(0.02 + 0.0001 * s * (i % 2), 0.5 * Math.Pow(0.5, i))), Profile.Full)
            .Verdict.Should().Be(Verdict.Reproduced);
    }
}
