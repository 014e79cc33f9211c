using Homework.Experiments.Core;
using Homework.Experiments.Runs;

namespace Homework.Tests.Unit.Runs;

/// <summary>The 1-1 experiment at a tiny scale: its shape, its targets and its determinism.</summary>
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
