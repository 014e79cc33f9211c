using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;

namespace Homework.Tests.Unit.Claims;

/// <summary>The criteria of the <c>sensitivity</c> claims on made-up results: they say what their Criterion sentences say.</summary>
public sealed class SensitivityCriteriaTests
{
    /// <summary>Five seeds; the test accuracy and the sensitivity of batch size i of seed s come from the functions given.</summary>
    private static SensitivityResult Result(Func<int, int, double> testAccuracy, Func<int, int, double> sensitivity)
    {
        var config = SensitivityConfig.Quick with { Seeds = [0, 1, 2, 3, 4] };
        var runs = from seed in config.Seeds
                   from i in Enumerable.Range(0, config.BatchSizes.Length)
                   let b = config.BatchSizes[i]
                   select new SensitivityRun(b, seed, 0, 0.1, new Evaluation(0.1, 0.9), new Evaluation(0.2, testAccuracy(i, seed)), 1.0 / b, sensitivity(i, seed), sensitivity(i, seed));
        return new SensitivityResult(config, 16_640, runs.ToArray());
    }

    private static double Constant(int i, int seed) => 1;

    [Theory]
    [InlineData(new[] { 0.90, 0.91, 0.92, 0.95, 0.93 }, Verdict.Reproduced)]   // batch 256 best by 2 points
    [InlineData(new[] { 0.96, 0.91, 0.92, 0.93, 0.94 }, Verdict.Contradicted)] // batch 5 best by 2 points
    public void The_margin_of_the_best_batch_size_from_100_to_1000_decides(double[] accuracy, Verdict expected)
    {
        var result = Result((i, s) => accuracy[i] + 0.001 * s * (i % 2), Constant);
        SensitivityClaims.BestBatchSize100To1000.Evaluate(result, Profile.Quick).Verdict.Should().Be(expected);
    }

    [Fact]
    public void A_win_inside_the_range_in_three_seeds_of_five_by_a_hair_is_not_a_reproduction()
    {
        // Seeds 0-2: batch 256 wins by 0.1 points; seeds 3-4: batch 20 wins by 1 point.
        var result = Result((i, s) => s < 3 ? (i == 3 ? 0.951 : 0.95) : (i == 1 ? 0.96 : 0.95), Constant);
        var outcome = SensitivityClaims.BestBatchSize100To1000.Evaluate(result, Profile.Quick);
        outcome.Holds.Should().Be(3);
        outcome.Verdict.Should().NotBe(Verdict.Reproduced);
    }

    [Fact]
    public void The_report_measure_falls_like_one_over_the_batch_size_and_is_shown_as_an_artifact()
    {
        var outcome = SensitivityClaims.DecreasesReportMeasure.Evaluate(Result((_, _) => 0.9, Constant), Profile.Quick);
        outcome.Evidence.Seeds[0].Metrics["spearman"].Real.Should().BeApproximately(-1, 1e-12);
        outcome.Verdict.Should().Be(Verdict.Reproduced);
        SensitivityClaims.DecreasesReportMeasure.Kind.Should().Be(ClaimKind.Artifact, "it falls by construction, whatever the nets learned");
    }

    [Fact]
    public void Null_baseline_sensitivities_unrelated_to_the_batch_size_never_reproduce()
    {
        // Each seed's sensitivities are another permutation of the same five values: no relation to the batch size.
        int[][] orders = [[3, 1, 4, 0, 2], [0, 4, 2, 1, 3], [2, 0, 1, 4, 3], [4, 2, 0, 3, 1], [1, 3, 4, 2, 0]];
        var outcome = SensitivityClaims.DecreasesJacobian.Evaluate(Result((_, _) => 0.9, (i, s) => 1 + orders[s][i]), Profile.Quick);
        outcome.Verdict.Should().Be(Verdict.Inconclusive);
        outcome.Evidence.Effect.P.Should().BeGreaterThan(0.05);
    }

    [Fact]
    public void Sensitivities_that_fall_with_the_batch_size_in_every_seed_reproduce_with_a_small_p()
    {
        var outcome = SensitivityClaims.DecreasesFixedSet.Evaluate(Result((_, _) => 0.9, (i, s) => 10 - i + 0.1 * s), Profile.Quick);
        outcome.Verdict.Should().Be(Verdict.Reproduced);
        outcome.Evidence.Effect.P.Should().BeLessThan(0.001);
    }
}
