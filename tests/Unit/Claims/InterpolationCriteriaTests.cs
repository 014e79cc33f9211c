using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Tests.Unit.Claims;

/// <summary>The criteria of the <c>interpolation</c> claims on made-up results: they say what their Criterion sentences say.</summary>
public sealed class InterpolationCriteriaTests
{
    /// <summary>A batch-size line whose training loss is <paramref name="loss"/>(α), for both initialisations and pairs.</summary>
    private static InterpolationResult Line(Func<double, double> loss)
    {
        var config = InterpolationConfig.Quick with { Seeds = [0] };
        var points = Interpolation.Alphas(config).Select(a => new InterpolationPoint(a, new Evaluation(loss(a), 0.9), new Evaluation(loss(a), 0.9))).ToArray();
        var curves = from init in config.Initialisations from pair in config.Pairs select new InterpolationCurve(pair.Name, init, 0, 1, [0, 0], points);
        return new InterpolationResult(config, 50_890, curves.ToArray());
    }

    [Fact]
    public void Sharpness_compares_the_rise_over_half_a_segment_beyond_each_end()
    {
        // Flat beyond θ1 (α < 0), steep beyond θ2 (α > 1): sharper at the large-batch end.
        var steepBeyondLarge = Line(a => a < 0 ? 0.1 - 0.1 * a : a > 1 ? 0.2 + 2 * (a - 1) : 0.1 + 0.1 * a);
        var outcome = InterpolationClaims.LargeBatchSharper.Evaluate(steepBeyondLarge, Profile.Quick);
        outcome.Evidence.Seeds[0].Metrics["batch-size/rise-beyond-large-batch"].Real.Should().BeApproximately(1.0, 1e-9);
        outcome.Evidence.Seeds[0].Metrics["batch-size/rise-beyond-small-batch"].Real.Should().BeApproximately(0.05, 1e-9);
        outcome.Verdict.Should().Be(Verdict.Reproduced);
        InterpolationClaims.LargeBatchSharperSharedInit.Evaluate(Line(a => (a - 0.5) * (a - 0.5)), Profile.Quick).Verdict
            .Should().Be(Verdict.NotReproduced, "a parabola symmetric about α = 0.5 rises equally beyond both ends");
    }

    [Fact]
    public void Ends_are_minima_when_the_loss_is_lower_at_both_ends_than_one_segment_beyond()
    {
        InterpolationClaims.EndsAreMinima.Evaluate(Line(a => (a - 0.5) * (a - 0.5)), Profile.Quick).Verdict.Should().Be(Verdict.Reproduced);
        InterpolationClaims.EndsAreMinimaSharedInit.Evaluate(Line(a => a), Profile.Quick).Verdict
            .Should().Be(Verdict.NotReproduced, "a loss rising along the whole line is lower at α = −1 than at α = 0");
    }
}
