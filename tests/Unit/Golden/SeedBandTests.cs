using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>
/// The band a median over seeds must fall in on another floating-point path: the golden
/// seeds' span, widened on each side by the larger of the two runs' spans.
/// </summary>
public sealed class SeedBandTests
{
    [Fact]
    public void Positive_values_get_a_band_in_log_space()
    {
        // log10 span of 1..4 is log10(4); widened by that on each side: 1/4 to 16.
        var band = SeedBand.Of([1, 2, 4], [3, 3, 3])!;
        band.LogScale.Should().BeTrue();
        band.Low.Should().BeApproximately(0.25, 1e-12);
        band.High.Should().BeApproximately(16, 1e-9);
        band.Contains(0.26).Should().BeTrue();
        band.Contains(0.24).Should().BeFalse();
        band.ToString().Should().Be("0.25 to 16 (log scale)");
    }

    [Fact]
    public void A_run_that_scatters_more_than_the_golden_seeds_widens_the_band_by_its_own_span()
    {
        // The run's seeds span 1..64 (log10 64); the band is 1/64 to 4*64.
        var band = SeedBand.Of([1, 2, 4], [1, 8, 64])!;
        band.Low.Should().BeApproximately(1.0 / 64, 1e-12);
        band.High.Should().BeApproximately(256, 1e-9);
    }

    [Fact]
    public void Values_that_can_be_zero_or_negative_get_a_band_in_linear_space()
    {
        var band = SeedBand.Of([-0.5, -0.2, -0.3], [-0.4])!;
        band.LogScale.Should().BeFalse();
        band.Low.Should().BeApproximately(-0.8, 1e-12);
        band.High.Should().BeApproximately(0.1, 1e-12);
        SeedBand.Of([0.1, 0.2], [0.0])!.LogScale.Should().BeFalse("an actual value of 0 has no logarithm");
    }

    [Fact]
    public void Seeds_that_agree_exactly_on_both_sides_leave_only_round_off()
    {
        var linear = SeedBand.Of([-2, -2, -2], [-2, -2])!;
        linear.Low.Should().BeApproximately(-2.002, 1e-12);
        linear.High.Should().BeApproximately(-1.998, 1e-12);
        var log = SeedBand.Of([5, 5, 5], [5])!;
        log.Contains(5 * 1.002).Should().BeTrue();
        log.Contains(5 * 1.003).Should().BeFalse();
    }

    [Fact]
    public void Values_that_are_not_finite_are_left_out_and_none_gives_no_band()
    {
        SeedBand.Of([double.NaN, 1, 2], [1])!.High.Should().BeApproximately(4, 1e-9);
        SeedBand.Of([double.NaN, double.PositiveInfinity], [1]).Should().BeNull();
    }
}
