using Homework.Experiments.Analysis;
using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Analysis;

/// <summary>PCA against cases with a known answer.</summary>
public sealed class PcaTests
{
    public PcaTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Points_on_a_line_have_one_component_that_explains_everything()
    {
        // y = 2x: the direction (1, 2)/√5; projections are the signed distances along it.
        double[][] points = [[-2, -4], [-1, -2], [0, 0], [1, 2], [2, 4]];
        var pca = Pca.Fit(points);

        pca.ExplainedVariance[0].Should().BeApproximately(1, 1e-12);
        pca.ExplainedVariance[1].Should().BeApproximately(0, 1e-12);
        pca.Projections.Select(p => p[0]).Should().Equal(
            new[] { -2, -1, 0, 1, 2 }.Select(t => t * Math.Sqrt(5)), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void Components_follow_the_variance_and_ignore_the_mean()
    {
        // Spread 3 along z, 1 along x, none along y, around (10, 10, 10).
        double[][] points = [[11, 10, 13], [9, 10, 7], [11, 10, 7], [9, 10, 13]];
        var pca = Pca.Fit(points);

        pca.ExplainedVariance.Should().Equal([0.9, 0.1], (a, b) => Math.Abs(a - b) < 1e-12);
        pca.Projections.Select(p => Math.Abs(p[0])).Should().AllSatisfy(v => v.Should().BeApproximately(3, 1e-9));
        pca.Projections.Select(p => Math.Abs(p[1])).Should().AllSatisfy(v => v.Should().BeApproximately(1, 1e-9));
    }

    [Fact]
    public void The_sign_of_each_component_is_fixed_by_its_largest_loading()
    {
        double[][] points = [[-2, -4], [2, 4]];
        Pca.Fit(points).Projections[1][0].Should().BePositive("the loading (1, 2)/√5 is made positive, so (2, 4) projects positively");
        Pca.Fit(points.Reverse().ToArray()).Projections[0][0].Should().BePositive();
    }
}
