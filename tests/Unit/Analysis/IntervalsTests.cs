using Homework.Experiments.Analysis;

namespace Homework.Tests.Unit.Analysis;

/// <summary>The intervals a claim's decision rests on, against SciPy 1.10's values.</summary>
public sealed class IntervalsTests
{
    [Theory]
    [InlineData(1, 12.706205)]
    [InlineData(2, 4.302653)]
    [InlineData(4, 2.776445)]
    [InlineData(9, 2.262157)]
    [InlineData(29, 2.04523)]
    public void Student_quantiles_match_scipy(int df, double expected) =>
        Intervals.StudentQuantile(0.975, df).Should().BeApproximately(expected, 1e-5);

    [Theory]
    [InlineData(1.5, 3, 0.88470807)]
    [InlineData(-0.7, 7, 0.25325878)]
    [InlineData(2.0, 1, 0.85241638)]
    public void The_student_cdf_matches_scipy(double t, int df, double expected) =>
        Intervals.StudentCdf(t, df).Should().BeApproximately(expected, 1e-7);

    [Fact]
    public void Normal_quantiles_match_scipy()
    {
        Intervals.NormalQuantile(0.975).Should().BeApproximately(1.959963984540054, 1e-8);
        Intervals.NormalQuantile(0.001).Should().BeApproximately(-3.090232306167813, 1e-8);
    }

    [Fact]
    public void The_mean_of_five_seeds_has_a_t_interval()
    {
        var interval = Intervals.Mean([1, 2, 3, 4, 5]);
        interval.Estimate.Should().Be(3);
        // sd = sqrt(2.5); half-width = 2.776445 * sqrt(2.5) / sqrt(5)
        interval.High.Should().BeApproximately(3 + 2.776445 * Math.Sqrt(0.5), 1e-5);
        interval.Low.Should().BeApproximately(3 - 2.776445 * Math.Sqrt(0.5), 1e-5);
        interval.Method.Should().Be("95% t interval over 5 seeds");
    }

    [Fact]
    public void One_seed_says_nothing()
    {
        var interval = Intervals.Mean([0.4]);
        interval.Low.Should().Be(double.NegativeInfinity);
        interval.High.Should().Be(double.PositiveInfinity);
    }

    [Theory]
    [InlineData(0, 30, 0.0, 0.113513)]
    [InlineData(30, 30, 0.886487, 1.0)]
    [InlineData(25, 30, 0.664356, 0.926635)]
    [InlineData(5, 10, 0.236593, 0.763407)]
    public void Wilson_intervals_match_scipy(int successes, int trials, double low, double high)
    {
        var interval = Intervals.Share(successes, trials);
        interval.Low.Should().BeApproximately(low, 1e-6);
        interval.High.Should().BeApproximately(high, 1e-6);
    }

    [Theory]
    [InlineData(6, 1)]
    [InlineData(9, 2)]
    [InlineData(15, 4)]
    [InlineData(30, 10)]
    public void The_median_interval_takes_the_widest_order_statistics_with_95_percent_coverage(int n, int k)
    {
        var values = Enumerable.Range(1, n).Select(i => (double)i).Reverse().ToList();
        var interval = Intervals.Median(values);
        interval.Low.Should().Be(k);
        interval.High.Should().Be(n + 1 - k);
    }

    [Fact]
    public void Five_values_are_too_few_for_a_median_interval() =>
        Intervals.Median([1, 2, 3, 4, 5]).Low.Should().Be(double.NegativeInfinity);

    [Fact]
    public void A_p_value_counts_the_observation_itself()
    {
        Intervals.PValue(10, [1, 2, 3]).Should().Be(0.25);
        Intervals.PValue(2, [1, 2, 3]).Should().Be(0.75);
    }
}
