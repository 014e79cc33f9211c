using Homework.Experiments.Analysis;

namespace Homework.Tests.Unit.Analysis;

public sealed class StatisticsTests
{
    [Fact]
    public void Spearman_is_one_for_any_increasing_relation_and_minus_one_for_decreasing()
    {
        double[] x = [1, 2, 3, 4, 5];
        Statistics.Spearman(x, x.Select(v => Math.Exp(v)).ToArray()).Should().BeApproximately(1, 1e-12);
        Statistics.Spearman(x, x.Select(v => -v * v).ToArray()).Should().BeApproximately(-1, 1e-12);
    }

    [Fact]
    public void Ties_share_their_average_rank()
    {
        Statistics.Ranks([10, 20, 20, 30]).Should().Equal(1, 2.5, 2.5, 4);
        // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]) = 0.8207826816681233
        Statistics.Spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).Should().BeApproximately(0.8207826816681233, 1e-12);
    }

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Statistics.Median([3, 1, 2]).Should().Be(2);
        Statistics.Median([4, 1, 3, 2]).Should().Be(2.5);
    }

    [Fact]
    public void Least_squares_slope_of_a_noisy_line()
    {
        Statistics.LeastSquaresSlope([0, 1, 2, 3], [1, 3, 5, 7]).Should().Be(2);
        Statistics.LeastSquaresSlope([0, 1, 2, 3], [0, 1.1, 1.9, 3]).Should().BeApproximately(0.98, 1e-12);
        double.IsNaN(Statistics.LeastSquaresSlope([1, 1], [0, 5])).Should().BeTrue();
    }
}
