using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static Homework.Tests.Unit.Runs.Stacking.ResultComparison;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Runs.Stacking;

/// <summary>
/// Issue 15 at the experiment level for <c>parameter-count</c>, whose nets up to
/// <see cref="ParameterCount.StackedUpToWidth"/> units wide are stacked per width over the seeds,
/// and wider ones trained alone as before.
/// </summary>
public sealed class ParameterCountStackingTests : StackingTests
{
    private static readonly ParameterCountConfig Tiny = ParameterCountConfig.Quick with
    {
        HiddenWidths = [4, 16, ParameterCount.StackedUpToWidth * 2], Iterations = 12, TrainSamples = 100, TestSamples = null,
    };

    [Fact]
    public void A_stack_of_one_is_bit_identical_to_the_single_net_training()
    {
        var config = Tiny with { Seeds = [2] };
        Saved(ParameterCount.Run(config, Context)).Should().Be(Saved(Unstacked(config)));
    }

    [Fact]
    public void A_stack_of_every_seed_matches_the_separate_trainings_and_wide_nets_are_trained_alone()
    {
        var config = Tiny with { Seeds = [0, 1, 2] };
        var stacked = ParameterCount.Run(config, Context);
        var separate = Unstacked(config);
        Differences(stacked, separate, relative: 1e-4, absolute: 1e-6).Should().BeEmpty();
        Saved(stacked.Nets.Where(n => n.HiddenWidth > ParameterCount.StackedUpToWidth).ToList())
            .Should().Be(Saved(separate.Nets.Where(n => n.HiddenWidth > ParameterCount.StackedUpToWidth).ToList()), "the wide nets train alone, as before");
        Saved(stacked).Should().NotBe(Saved(separate), "a batched product rounds differently");
    }

    /// <summary>The experiment as it trained before stacking (8c5eed5): one <see cref="Mlp"/> per (seed, width).</summary>
    private static ParameterCountResult Unstacked(ParameterCountConfig config)
    {
        var nets = from seed in config.Seeds from width in config.HiddenWidths select Train(config, Data, width, seed);
        return new ParameterCountResult(config, nets.OrderBy(n => n.Seed).ThenBy(n => n.Parameters).ToArray());
    }

    private static SizedNet Train(ParameterCountConfig config, MnistData mnist, int width, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, ParameterCount.SeedKey, width.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var train = mnist.Train.Subset(config.TrainSamples, generator);
        var test = mnist.Test.First(config.TestSamples);
        using var model = new Mlp(ParameterCountConfig.Widths(width), config.Activation).InitializeWith(generator);
        int epochs = (int)Math.Ceiling(config.Iterations / Math.Ceiling(train.Count / (double)config.BatchSize));
        var trainer = new Trainer(new TrainingOptions
        {
            Epochs = epochs,
            MaxSteps = config.Iterations,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.CrossEntropy,
            EvaluateEvery = int.MaxValue,
        });
        trainer.Fit(model, train, test: null, generator);
        return new SizedNet(seed, width, model.ParameterCount(), trainer.Evaluate(model, train), trainer.Evaluate(model, test));
    }
}
