using Homework.Experiments;
using Homework.Experiments.Analysis;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Tests.Unit.Claims;

/// <summary>The 1-3 criteria on made-up results: they say what their Criterion sentences say.</summary>
public sealed class FlatnessCriteriaTests
{
    private static IEnumerable<int[]> Permutations(int[] items) => items.Length <= 1
        ? [items]
        : items.SelectMany((x, i) => Permutations(items.Where((_, j) => j != i).ToArray()).Select(rest => new[] { x }.Concat(rest).ToArray()));

    [Fact]
    public void With_five_batch_sizes_rho_at_most_minus_point_nine_means_decreasing_but_for_one_adjacent_pair()
    {
        double[] batch = [5, 20, 64, 256, 1000];
        foreach (var ranks in Permutations([1, 2, 3, 4, 5]))
        {
            // ranks[i]: the rank of the sensitivity of batch i; decreasing means ranks 5,4,3,2,1.
            int inversions = Enumerable.Range(0, 5).Sum(i => Enumerable.Range(i + 1, 4 - i).Count(j => ranks[i] < ranks[j]));
            bool passes = Statistics.Spearman(batch, ranks.Select(r => (double)r).ToArray()) <= FlatnessClaims.DecreasingRho + 1e-12;
            passes.Should().Be(inversions <= 1, $"ranks {string.Join(",", ranks)} have {inversions} pairs out of decreasing order");
        }
    }

    private static SensitivityResult Sensitivities(params double[] testAccuracy)
    {
        var config = SensitivityConfig.Quick with { Seeds = [0] };
        var runs = config.BatchSizes.Select((b, i) => new SensitivityRun(b, 0, 1, 0.1, new Evaluation(0.1, 0.9), new Evaluation(0.2, testAccuracy[i]), 1.0 / b, 1, 1)).ToArray();
        return new SensitivityResult(config, 16_640, runs);
    }

    private static ClaimOutcome Evaluate(string id, object result) => Catalog.FindClaim(id).Evaluate(result, Profile.Quick);

    [Theory]
    [InlineData(new[] { 0.90, 0.91, 0.92, 0.95, 0.93 }, 256, true)]
    [InlineData(new[] { 0.90, 0.91, 0.92, 0.93, 0.95 }, 1000, true)]
    [InlineData(new[] { 0.96, 0.91, 0.92, 0.93, 0.95 }, 5, false)]
    [InlineData(new[] { 0.90, 0.91, 0.95, 0.95, 0.95 }, 64, false)] // a tie goes to the smaller batch
    public void The_best_batch_size_is_the_one_with_the_highest_test_accuracy(double[] accuracy, long best, bool holds)
    {
        var outcome = Evaluate("1-3/sensitivity/best-batch-size-100-to-1000", Sensitivities(accuracy));
        outcome.Evidence.Seeds[0].Metrics["best-batch-size"].Integer.Should().Be(best);
        outcome.Evidence.Seeds[0].Holds.Should().Be(holds);
    }

    [Fact]
    public void The_report_measure_falling_like_one_over_the_batch_size_counts_as_decreasing()
    {
        var outcome = Evaluate("1-3/sensitivity/decreases-with-batch-size-report-measure", Sensitivities(0.9, 0.9, 0.9, 0.9, 0.9));
        outcome.Evidence.Seeds[0].Metrics["spearman"].Real.Should().BeApproximately(-1, 1e-12);
        outcome.Verdict.Should().Be(Verdict.Reproduced);
        Evaluate("1-3/sensitivity/decreases-with-batch-size-jacobian", Sensitivities(0.9, 0.9, 0.9, 0.9, 0.9))
            .Verdict.Should().Be(Verdict.NotReproduced, "a constant sensitivity has no rank correlation");
    }

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
        var outcome = Evaluate("1-3/interpolation/large-batch-sharper", steepBeyondLarge);
        outcome.Evidence.Seeds[0].Metrics["batch-size/rise-beyond-large-batch"].Real.Should().BeApproximately(1.0, 1e-9);
        outcome.Evidence.Seeds[0].Metrics["batch-size/rise-beyond-small-batch"].Real.Should().BeApproximately(0.05, 1e-9);
        outcome.Verdict.Should().Be(Verdict.Reproduced);
        Evaluate("1-3/interpolation/large-batch-sharper-shared-init", Line(a => (a - 0.5) * (a - 0.5))).Verdict
            .Should().Be(Verdict.NotReproduced, "a parabola symmetric about α = 0.5 rises equally beyond both ends");
    }

    [Fact]
    public void Ends_are_minima_when_the_loss_is_lower_at_both_ends_than_one_segment_beyond()
    {
        Evaluate("1-3/interpolation/ends-are-minima", Line(a => (a - 0.5) * (a - 0.5))).Verdict.Should().Be(Verdict.Reproduced);
        Evaluate("1-3/interpolation/ends-are-minima-shared-init", Line(a => a)).Verdict
            .Should().Be(Verdict.NotReproduced, "a loss rising along the whole line is lower at α = −1 than at α = 0");
    }
}
