using Homework.Experiments.Analysis;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Tests.Unit.Claims;

/// <summary>The criteria of the <c>sensitivity</c> claims on made-up results: they say what their Criterion sentences say.</summary>
public sealed class SensitivityCriteriaTests
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
            bool passes = Statistics.Spearman(batch, ranks.Select(r => (double)r).ToArray()) <= SensitivityClaims.DecreasingRho + 1e-12;
            passes.Should().Be(inversions <= 1, $"ranks {string.Join(",", ranks)} have {inversions} pairs out of decreasing order");
        }
    }

    private static SensitivityResult Sensitivities(params double[] testAccuracy)
    {
        var config = SensitivityConfig.Quick with { Seeds = [0] };
        var runs = config.BatchSizes.Select((b, i) => new SensitivityRun(b, 0, 1, 0.1, new Evaluation(0.1, 0.9), new Evaluation(0.2, testAccuracy[i]), 1.0 / b, 1, 1)).ToArray();
        return new SensitivityResult(config, 16_640, runs);
    }

    [Theory]
    [InlineData(new[] { 0.90, 0.91, 0.92, 0.95, 0.93 }, 256, true)]
    [InlineData(new[] { 0.90, 0.91, 0.92, 0.93, 0.95 }, 1000, true)]
    [InlineData(new[] { 0.96, 0.91, 0.92, 0.93, 0.95 }, 5, false)]
    [InlineData(new[] { 0.90, 0.91, 0.95, 0.95, 0.95 }, 64, false)] // a tie goes to the smaller batch
    public void The_best_batch_size_is_the_one_with_the_highest_test_accuracy(double[] accuracy, long best, bool holds)
    {
        var outcome = SensitivityClaims.BestBatchSize100To1000.Evaluate(Sensitivities(accuracy), Profile.Quick);
        outcome.Evidence.Seeds[0].Metrics["best-batch-size"].Integer.Should().Be(best);
        outcome.Evidence.Seeds[0].Holds.Should().Be(holds);
    }

    [Fact]
    public void The_report_measure_falling_like_one_over_the_batch_size_counts_as_decreasing()
    {
        var outcome = SensitivityClaims.DecreasesReportMeasure.Evaluate(Sensitivities(0.9, 0.9, 0.9, 0.9, 0.9), Profile.Quick);
        outcome.Evidence.Seeds[0].Metrics["spearman"].Real.Should().BeApproximately(-1, 1e-12);
        outcome.Verdict.Should().Be(Verdict.Reproduced);
        SensitivityClaims.DecreasesJacobian.Evaluate(Sensitivities(0.9, 0.9, 0.9, 0.9, 0.9), Profile.Quick)
            .Verdict.Should().Be(Verdict.NotReproduced, "a constant sensitivity has no rank correlation");
    }
}
