using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static Homework.Tests.Unit.Runs.Stacking.ResultComparison;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Runs.Stacking;

/// <summary>
/// Issue 15 at the experiment level for <c>gradient-norm</c>, whose seeds are one stack that reads
/// each member's own gradient norm after every backward pass.
/// </summary>
public sealed class GradientNormStackingTests : StackingTests
{
    private static readonly GradientNormConfig Tiny = GradientNormConfig.Quick with { Epochs = 60, Points = 100 };

    [Theory]
    [InlineData(null)]
    [InlineData(30)] // several iterations an epoch: the epoch's norm is their mean
    public void A_stack_of_one_is_bit_identical_to_the_single_net_training(int? batch)
    {
        var config = Tiny with { Seeds = [2], BatchSize = batch };
        Saved(GradientNorm.Run(config, new RunContext())).Should().Be(Saved(Unstacked(config)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(30)]
    public void A_stack_of_every_seed_matches_the_separate_trainings(int? batch)
    {
        var config = Tiny with { Seeds = [0, 1, 2, 3, 4], BatchSize = batch };
        var stacked = GradientNorm.Run(config, new RunContext());
        var separate = Unstacked(config);
        Differences(stacked, separate, relative: 1e-4, absolute: 1e-6).Should().BeEmpty();
        Saved(stacked).Should().NotBe(Saved(separate), "a batched product rounds differently");
    }

    /// <summary>The experiment as it trained before stacking (8c5eed5): one <see cref="Mlp"/> per seed.</summary>
    private static GradientNormResult Unstacked(GradientNormConfig config)
    {
        double[] x = FunctionFitting.Grid(0, 1, config.Points);
        return new GradientNormResult(config, [.. config.Seeds.Select(seed => Train(config, x, seed))]);
    }

    private static GradientNormRun Train(GradientNormConfig config, double[] x, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, GradientNorm.SeedKey));
        using var model = new Mlp(config.Widths, config.Activation).InitializeWith(generator);
        var data = FunctionFitting.Tensors(TargetFunction.Sinc, x);
        var iterationNorms = new List<float>();
        var epochNorms = new List<float>();
        int epochStart = 0;
        var history = new Trainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.MeanSquaredError,
        })
        {
            AfterBackward = _ => iterationNorms.Add((float)GradientNorm.Norm(model.parameters())),
            AfterEpoch = _ =>
            {
                epochNorms.Add((float)iterationNorms.Skip(epochStart).Average(v => (double)v));
                epochStart = iterationNorms.Count;
            },
        }.Fit(model, data, test: null, generator);
        return new GradientNormRun(seed, history.Select(h => (float)h.Loss).ToArray(), epochNorms.ToArray(), iterationNorms.ToArray());
    }
}
