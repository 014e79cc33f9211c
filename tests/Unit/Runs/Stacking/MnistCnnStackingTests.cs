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
/// Issue 15 at the experiment level for <c>mnist-cnn</c>, whose nets are stacked per net over the
/// seeds (grouped convolutions, channels-last from two members on), on synthetic MNIST-shaped data.
/// </summary>
public sealed class MnistCnnStackingTests : StackingTests
{
    private static readonly MnistCnnConfig Tiny = MnistCnnConfig.Quick with { Epochs = 2, TrainSamples = 100, TestSamples = null, TrainEvaluationSamples = null };

    [Fact]
    public void A_stack_of_one_is_bit_identical_to_the_single_net_training()
    {
        var config = Tiny with { Seeds = [4] };
        Saved(MnistCnn.Run(config, Context)).Should().Be(Saved(Unstacked(config)));
    }

    [Fact]
    public void A_stack_of_one_with_a_training_evaluation_sample_is_bit_identical_to_the_single_net_measuring_that_sample()
    {
        var config = Tiny with { Seeds = [4], TrainEvaluationSamples = 30 };
        var result = MnistCnn.Run(config, Context);
        Saved(result).Should().Be(Saved(Unstacked(config)));
        var epochs = result.Runs[0].Epochs;
        epochs[0].Train.Should().NotBe(Unstacked(Tiny with { Seeds = [4] }).Runs[0].Epochs[0].Train, "the first epoch measures the sample");
    }

    [Fact]
    public void A_stack_of_every_seed_matches_the_separate_trainings()
    {
        var config = Tiny with { Seeds = [0, 1, 2] };
        var stacked = MnistCnn.Run(config, Context);
        var separate = Unstacked(config);
        Differences(stacked, separate, relative: 1e-4, absolute: 1e-6).Should().BeEmpty();
        Saved(stacked).Should().NotBe(Saved(separate), "channels-last grouped convolutions round differently");
    }

    [Fact]
    public void The_training_evaluation_sample_is_one_set_of_positions_for_every_net_and_seed()
    {
        var config = Tiny with { TrainEvaluationSamples = 30 };
        var shared = Data.Train;
        var other = Data.Train.Subset(100, new Generator(5));
        var sample = MnistCnn.TrainEvaluationSample(config, [shared, shared, Data.Train.First(240)])!;
        sample.Should().HaveCount(3);
        sample[1].Should().BeSameAs(sample[0], "members that share a training set share its sample");
        sample[0].Count.Should().Be(30);
        sample[2].Inputs.data<float>().ToArray().Should().Equal(sample[0].Inputs.data<float>().ToArray(), "the same positions of the same images");
        MnistCnn.TrainEvaluationSample(config with { TrainEvaluationSamples = 100 }, [other]).Should().BeNull("a sample as large as the set is the set");
    }

    /// <summary>
    /// The experiment as it trained before stacking (8c5eed5): one <see cref="LeNet"/> per (seed, net),
    /// plus the training-evaluation sample the single <see cref="Trainer"/> takes too.
    /// </summary>
    private static MnistCnnResult Unstacked(MnistCnnConfig config)
    {
        var runs = from seed in config.Seeds from net in config.Nets select Train(config, Data, net, seed);
        return new MnistCnnResult(config, runs.ToArray());
    }

    private static CnnRun Train(MnistCnnConfig config, MnistData mnist, CnnSpec spec, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, MnistCnn.SeedKey, spec.Name));
        var train = mnist.Train.Subset(config.TrainSamples, generator);
        var test = mnist.Test.First(config.TestSamples);
        using var model = new LeNet(spec.Widths, spec.Name).InitializeWith(generator);
        var trainer = new Trainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.CrossEntropy,
            EvaluateTrain = true,
        });
        var history = trainer.Fit(model, train, test, generator, MnistCnn.TrainEvaluationSample(config, [train])?[0]);
        return new CnnRun(spec.Name, seed, model.ParameterCount(), history.ToArray());
    }
}
