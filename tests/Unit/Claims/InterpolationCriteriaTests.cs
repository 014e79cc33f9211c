using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Tests.Unit.Claims;

/// <summary>The criteria of the <c>interpolation</c> claims on made-up lines: they say what their Criterion sentences say.</summary>
public sealed class InterpolationCriteriaTests
{
    /// <summary>Three seeds whose training loss along every line is <paramref name="loss"/>(α, seed).</summary>
    private static InterpolationResult Lines(Func<double, int, double> loss)
    {
        var config = InterpolationConfig.Quick with { Seeds = [0, 1, 2] };
        var curves = from seed in config.Seeds
                     from init in config.Initialisations
                     from pair in config.Pairs
                     select new InterpolationCurve(pair.Name, init, seed, 1, [0, 0],
                         Interpolation.Alphas(config).Select(a => new InterpolationPoint(a, new Evaluation(loss(a, seed), 0.9), new Evaluation(loss(a, seed), 0.9))).ToArray());
        return new InterpolationResult(config, 50_890, curves.ToArray());
    }

    private static Verdict VerdictOf(Claim claim, InterpolationResult result) => claim.Evaluate(result, Profile.Quick).Verdict;

    [Fact]
    public void The_ends_are_judged_just_beside_them()
    {
        Interpolation.Alphas(InterpolationConfig.Quick).Should().Contain([-0.05, 0.05, 0.95, 1.05]);
        Interpolation.Alphas(InterpolationConfig.Full).Should().HaveCount(61, "at 61 α the four are grid points already");
    }

    [Fact]
    public void Minima_at_both_ends_reproduce()
    {
        // A double well with its bottoms at α = 0 and 1.
        VerdictOf(InterpolationClaims.EndsAreMinima, Lines((a, s) => 0.01 + (1 + 0.1 * s) * Math.Pow(a * (a - 1), 2))).Should().Be(Verdict.Reproduced);
    }

    [Fact]
    public void A_line_whose_minimum_lies_between_the_ends_contradicts_though_the_loss_is_higher_one_segment_beyond()
    {
        // The old rule (α = −1 and 2 against the ends) passed this parabola; just beside the ends the loss falls toward α = 0.5.
        var parabola = Lines((a, s) => 0.01 + (1 + 0.1 * s) * (a - 0.5) * (a - 0.5));
        parabola.Curves[0].At(-1).Train.Loss.Should().BeGreaterThan(parabola.Curves[0].At(0).Train.Loss);
        VerdictOf(InterpolationClaims.EndsAreMinimaSharedInit, parabola).Should().Be(Verdict.Contradicted);
    }

    [Fact]
    public void Sharpness_compares_the_rise_over_half_a_segment_beyond_each_end()
    {
        // Flat beyond θ1 (α < 0), steep beyond θ2 (α > 1): sharper at the large-batch end.
        var steepBeyondLarge = Lines((a, s) => (a < 0 ? 0.1 - 0.1 * a : a > 1 ? 0.2 + (2 + 0.1 * s) * (a - 1) : 0.1 + 0.1 * a));
        var outcome = InterpolationClaims.LargeBatchSharper.Evaluate(steepBeyondLarge, Profile.Quick);
        outcome.Evidence.Seeds[0].Metrics["batch-size/rise-beyond-large-batch"].Real.Should().BeApproximately(1.0, 1e-9);
        outcome.Evidence.Seeds[0].Metrics["batch-size/rise-beyond-small-batch"].Real.Should().BeApproximately(0.05, 1e-9);
        outcome.Verdict.Should().Be(Verdict.Reproduced);
        VerdictOf(InterpolationClaims.LargeBatchSharperSharedInit, Lines((a, s) => (1 + 0.1 * s) * (a - 0.5) * (a - 0.5)))
            .Should().Be(Verdict.Inconclusive, "a parabola symmetric about α = 0.5 rises equally beyond both ends");
    }
}
