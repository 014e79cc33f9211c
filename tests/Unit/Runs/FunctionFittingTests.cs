using Homework.Experiments.Core;
using Homework.Experiments.Runs;

namespace Homework.Tests.Unit.Runs;

/// <summary>The 1-1 experiment at a tiny scale: its shape, its targets, the points its claims score and its determinism.</summary>
public sealed class FunctionFittingTests
{
    private static readonly FunctionFittingConfig Tiny = FunctionFittingConfig.Quick with { Epochs = 20, Points = 50, Seeds = [0, 1] };

    [Fact]
    public void Targets_are_sinc_and_sign_with_their_special_points()
    {
        FunctionFitting.Evaluate(TargetFunction.Sinc, 0).Should().Be(1);
        FunctionFitting.Evaluate(TargetFunction.Sinc, 0.1).Should().BeApproximately(Math.Sin(Math.PI / 2) / (Math.PI / 2), 1e-12);
        FunctionFitting.Evaluate(TargetFunction.Sign, 0.1).Should().Be(1);
        FunctionFitting.Evaluate(TargetFunction.Sign, 0.3).Should().Be(-1);
        FunctionFitting.Evaluate(TargetFunction.Sign, 0.2).Should().Be(0, "sin(π) is 0, not the rounding error's sign");
    }

    [Fact]
    public void The_grid_covers_the_half_open_domain()
    {
        double[] grid = FunctionFitting.Grid(Tiny);
        grid.Should().HaveCount(50);
        grid[0].Should().BeApproximately(0.02, 1e-12);
        grid[^1].Should().Be(1.0);
    }

    [Fact]
    public void The_held_out_offset_grid_lies_midway_between_the_training_points_with_the_same_edge_bands()
    {
        var config = Tiny with { Points = 10, ScoreOn = ScoringPoints.OffsetGrid }; // grid 0.1, 0.2, ..., 1.0
        double[] x = FunctionFitting.ScoringGrid(config);
        x.Should().Equal([0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95], (a, b) => Math.Abs(a - b) < 1e-12);
        x.Should().NotIntersectWith(FunctionFitting.Grid(config), "held out: no scored point is a training point");
        // Edge band 10% of (0, 1]: x ≤ 0.1 or x > 0.9.
        FunctionFitting.EdgeMask(config, x).Should().Equal(true, false, false, false, false, false, false, false, false, true);
    }

    [Fact]
    public void The_extrapolation_band_continues_the_grid_past_both_ends_and_scores_only_those_points_as_edges()
    {
        var config = Tiny with { Points = 10, EdgeBand = 0.2, ScoreOn = ScoringPoints.ExtrapolationBand }; // m = 2 points a side
        double[] x = FunctionFitting.ScoringGrid(config);
        // Beyond the left end x_-1 = -0.1 and x_0 = 0; inside, outside the 20% bands, x_3..x_8; beyond the right end x_11, x_12.
        x.Should().Equal([-0.1, 0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.1, 1.2], (a, b) => Math.Abs(a - b) < 1e-12);
        FunctionFitting.EdgeMask(config, x).Should().Equal(true, true, false, false, false, false, false, false, true, true);
    }

    [Fact]
    public void The_preset_scores_on_the_training_grid_with_the_edge_bands_the_claims_always_used()
    {
        var config = Tiny with { Points = 10 };
        FunctionFitting.ScoringGrid(config).Should().Equal(FunctionFitting.Grid(config));
        FunctionFitting.EdgeMask(config, FunctionFitting.Grid(config)).Should().Equal(true, false, false, false, false, false, false, false, false, true);
        new FunctionFittingResult(config, FunctionFitting.Grid(config), []).ScoringX.Should().Equal(FunctionFitting.Grid(config));
    }

    [Fact]
    public void A_run_scoring_off_the_grid_predicts_at_the_scored_points_and_only_then()
    {
        var scored = FunctionFitting.Run(Tiny with { Seeds = [0], ScoreOn = ScoringPoints.ExtrapolationBand }, new RunContext());
        scored.ScoredX.Should().HaveCount(50 - 2 * 5 + 2 * 5);
        scored.Fits.Should().OnlyContain(f => f.ScoredPrediction!.Length == scored.ScoredX!.Length && f.Prediction.Length == 50);
        var preset = FunctionFitting.Run(Tiny with { Seeds = [0] }, new RunContext());
        preset.ScoredX.Should().BeNull();
        preset.Fits.Should().OnlyContain(f => f.ScoredPrediction == null);
        Json.Serialize(preset).Should().NotContainEquivalentOf("scor", "a preset result reads as before the scoring variants");
        string saved = Json.Serialize(scored);
        Json.Serialize(Json.Deserialize<FunctionFittingResult>(saved, "the scored run")).Should().Be(saved, "a saved scored run reads back as it was written");
        preset.Fits.Select(f => f.Loss).Should().BeEquivalentTo(scored.Fits.Select(f => f.Loss), o => o.WithStrictOrdering(), "scoring elsewhere changes no training");
    }

    [Fact]
    public void A_mini_batch_run_takes_a_step_per_batch_and_validates_its_batch_size()
    {
        var config = Tiny with { BatchSize = 16 };
        config.StepsPerEpoch.Should().Be(4, "50 points in batches of 16: three full batches and one of 2");
        Tiny.StepsPerEpoch.Should().Be(1);
        (Tiny with { BatchSize = 51 }).Validate().Should().ContainSingle(p => p.Field == "batchSize");
        var result = FunctionFitting.Run(config with { Seeds = [0] }, new RunContext());
        result.Fits.Should().OnlyContain(f => f.Loss.Length == 20);
        result.Fits.Select(f => f.Loss).Should().NotBeEquivalentTo(FunctionFitting.Run(Tiny with { Seeds = [0] }, new RunContext()).Fits.Select(f => f.Loss));
    }

    [Fact]
    public void A_run_has_one_fit_per_seed_function_and_net_with_a_loss_per_epoch()
    {
        var result = FunctionFitting.Run(Tiny, new RunContext());
        result.Fits.Should().HaveCount(2 * 2 * 3);
        result.Fits.Should().OnlyContain(f => f.Loss.Length == 20 && f.Prediction.Length == 50);
        result.Fit(TargetFunction.Sign, "deep", 1).Parameters.Should().Be(571);
    }

    [Fact]
    public void Running_twice_gives_bit_identical_results_whatever_the_parallelism()
    {
        string once = Json.Serialize(FunctionFitting.Run(Tiny, new RunContext { Jobs = 2 }));
        string again = Json.Serialize(FunctionFitting.Run(Tiny, new RunContext { Jobs = 1 }));
        again.Should().Be(once);
    }
}
