using Homework.Experiments.Analysis;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using Homework.Models;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Runs;

/// <summary>The 1-3 interpolation experiment's grid, line and presets.</summary>
public sealed class InterpolationTests
{
    [Theory]
    [InlineData(Profile.Quick, 35)] // 31 grid points and the four beside the ends
    [InlineData(Profile.Full, 61)]
    public void The_alpha_grid_runs_from_minus_one_to_two_through_the_points_the_claims_read(Profile profile, int points)
    {
        double[] alphas = Interpolation.Alphas(InterpolationConfig.For(profile));
        alphas.Should().HaveCount(points).And.BeInAscendingOrder();
        alphas[0].Should().Be(-1);
        alphas[^1].Should().Be(2);
        foreach (double alpha in new[] { -1, -0.5, -0.05, 0, 0.05, 0.95, 1, 1.05, 1.5, 2 })
            alphas.Should().Contain(a => Math.Abs(a - alpha) < 1e-12, $"α = {alpha} is read by the claims");
    }

    [Fact]
    public void The_line_passes_through_both_solutions_and_extends_beyond_them()
    {
        using var theta1 = tensor(new float[] { 1, 2, 3 });
        using var theta2 = tensor(new float[] { 3, 2, -1 });
        MlpLine.Between(theta1, theta2, 0).data<float>().ToArray().Should().Equal(1, 2, 3);
        MlpLine.Between(theta1, theta2, 1).data<float>().ToArray().Should().Equal(3, 2, -1);
        MlpLine.Between(theta1, theta2, 2).data<float>().ToArray().Should().Equal(5, 2, -5);
        MlpLine.Between(theta1, theta2, -1).data<float>().ToArray().Should().Equal(-1, 2, 7);
    }

    [Fact]
    public void A_curve_is_read_at_its_nearest_grid_point()
    {
        var e = new Evaluation(1, 0.5);
        var curve = new InterpolationCurve("p", Initialisation.Shared, 0, 1, [0, 0],
            Interpolation.Alphas(InterpolationConfig.Quick).Select(a => new InterpolationPoint(a, e with { Loss = a }, e)).ToArray());
        curve.At(1.5).Train.Loss.Should().BeApproximately(1.5, 1e-12);
        curve.At(-0.5).Alpha.Should().BeApproximately(-0.5, 1e-12);
    }

    [Fact]
    public void Filter_normalisation_rescales_each_weight_row_to_the_references_row_and_drops_the_biases()
    {
        // One layer: a 2x2 weight (rows [3, 4] and [0, 0]) and a bias of 2, then a 1x2 weight and a bias of 1.
        long[][] shapes = [[2, 2], [2], [1, 2], [1]];
        float[] reference = [0, 5, 1, 1, 7, 7, 6, 8, 9];
        float[] direction = [3, 4, 0, 0, 1, 1, 1, 0, 2];
        float[] normalised = Interpolation.FilterNormalise(direction, reference, shapes);
        // Row [3, 4] (norm 5) to the reference row [0, 5]'s norm 5: unchanged. Row [0, 0] has no direction: stays 0.
        // Biases: zero. Row [1, 0] (norm 1) to the reference row [6, 8]'s norm 10: [10, 0].
        normalised.Should().Equal(3, 4, 0, 0, 0, 0, 10, 0, 0);
        // Scale invariance: a reference layer twice as large gives a step twice as long in that layer only.
        float[] doubled = [0, 10, 2, 2, 7, 7, 6, 8, 9];
        Interpolation.FilterNormalise(direction, doubled, shapes).Should().Equal(6, 8, 0, 0, 0, 0, 10, 0, 0);
        FluentActions.Invoking(() => Interpolation.FilterNormalise(direction, reference, [[2, 2]]))
            .Should().Throw<ArgumentException>().WithMessage("The parameter shapes hold 4 values, but the direction has 9*");
    }

    [Fact]
    public void The_filter_normalised_variant_only_adds_a_step_and_a_preset_curve_writes_no_norms()
    {
        var variant = (InterpolationConfig)Interpolation.Experiment.VariantConfig(Profile.Quick, "filter-normalised");
        variant.Should().Be(InterpolationConfig.Quick with { FilterNormalisedStep = 0.5 });
        (InterpolationConfig.Quick with { FilterNormalisedStep = 0 }).Validate().Should().ContainSingle(p => p.Field == "filterNormalisedStep");
        var curve = new InterpolationCurve("p", Initialisation.Shared, 0, 1, [0, 0], []);
        Json.Serialize(curve).Should().NotContain("norms").And.NotContain("filterNormalisedRise");
    }

    [Fact]
    public void The_net_has_50890_parameters_and_the_pairs_are_the_reports()
    {
        var config = InterpolationConfig.Full;
        Mlp.CountParameters(config.Widths).Should().Be(784 * 64 + 64 + 64 * 10 + 10).And.Be(50_890);
        var batch = config.Pairs.Single(p => p.Name == "batch-size");
        (batch.First, batch.Second).Should().Be((new InterpolationNet(64, 1e-3), new InterpolationNet(1024, 1e-3)));
        var rate = config.Pairs.Single(p => p.Name == "learning-rate");
        (rate.First, rate.Second).Should().Be((new InterpolationNet(64, 1e-3), new InterpolationNet(64, 1e-2)));
        config.Initialisations.Should().Equal(Initialisation.Separate, Initialisation.Shared);
    }
}
