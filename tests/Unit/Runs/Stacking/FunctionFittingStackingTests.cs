using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static Homework.Tests.Unit.Runs.Stacking.ResultComparison;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Runs.Stacking;

/// <summary>
/// Issue 15 at the experiment level: "an ensemble of 1 is bit-identical to today's single model;
/// an ensemble of M matches M separate trainings to float tolerance", for <c>function-fitting</c>,
/// whose nets are stacked per shape over every seed and function.
/// </summary>
public sealed class FunctionFittingStackingTests : StackingTests
{
    private static readonly FunctionFittingConfig Tiny = FunctionFittingConfig.Quick with { Epochs = 40, Points = 60 };

    [Fact]
    public void A_stack_of_one_is_bit_identical_to_the_single_net_training()
    {
        var config = Tiny with { Seeds = [3], Functions = [TargetFunction.Sign] };
        Saved(FunctionFitting.Run(config, new RunContext())).Should().Be(Saved(Unstacked(config)));
    }

    [Fact]
    public void A_mini_batch_stack_of_one_is_bit_identical_to_the_single_net_training_with_the_same_shuffles()
    {
        var config = Tiny with { Seeds = [3], Functions = [TargetFunction.Sign], BatchSize = 16 };
        Saved(FunctionFitting.Run(config, new RunContext())).Should().Be(Saved(Unstacked(config)));
    }

    [Fact]
    public void A_stack_of_every_seed_and_function_matches_the_separate_trainings()
    {
        var config = Tiny with { Seeds = [0, 1, 2] }; // stacks of 6: three seeds, two functions
        var stacked = FunctionFitting.Run(config, new RunContext());
        var separate = Unstacked(config);
        Differences(stacked, separate, relative: 1e-4, absolute: 1e-6).Should().BeEmpty();
        Saved(stacked).Should().NotBe(Saved(separate), "a batched product rounds differently, so bit identity would mean the stack was not used");
    }

    [Fact]
    public void A_net_wider_than_the_stacking_limit_trains_each_seed_and_function_alone_as_the_single_net()
    {
        var shallow = Tiny.Nets.Single(n => n.Name == "shallow");
        FunctionFitting.IsStacked(shallow).Should().BeFalse("its 190 units are wider than the limit");
        Tiny.Nets.Where(n => n != shallow).Should().OnlyContain(n => FunctionFitting.IsStacked(n));
        var config = Tiny with { Seeds = [0, 1], Nets = [Tiny.Nets[0], shallow] };
        var run = FunctionFitting.Run(config, new RunContext { Jobs = 2 });
        var separate = Unstacked(config);
        Saved(run with { Fits = [.. run.Fits.Where(f => f.Net == shallow.Name)] })
            .Should().Be(Saved(separate with { Fits = [.. separate.Fits.Where(f => f.Net == shallow.Name)] }));
        Saved(run).Should().NotBe(Saved(separate), "the narrow net beside it is still stacked");
    }

    /// <summary>The experiment as it trained before stacking (8c5eed5): one <see cref="Mlp"/> per (seed, function, net).</summary>
    private static FunctionFittingResult Unstacked(FunctionFittingConfig config)
    {
        double[] x = FunctionFitting.Grid(config);
        var fits = from seed in config.Seeds from function in config.Functions from net in config.Nets select Fit(config, x, function, net, seed);
        return new FunctionFittingResult(config, x, fits.ToArray());
    }

    private static FunctionFit Fit(FunctionFittingConfig config, double[] x, TargetFunction function, NetSpec net, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, FunctionFitting.SeedKey, function.ToString(), net.Name));
        using var model = new Mlp(net.Widths, config.Activation, net.Name).InitializeWith(generator);
        var data = FunctionFitting.Tensors(function, x);
        var history = new Trainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.MeanSquaredError,
            Shuffle = config.BatchSize is not null,
        }).Fit(model, data, test: null, generator);
        model.eval();
        float[] prediction;
        using (no_grad())
            prediction = model.forward(data.Inputs).data<float>().ToArray();
        return new FunctionFit(function, net.Name, seed, model.ParameterCount(), net.Widths.Length - 2,
            history.Select(h => (float)h.Loss).ToArray(), prediction);
    }
}
