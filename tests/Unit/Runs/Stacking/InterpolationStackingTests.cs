using Homework.Experiments.Analysis;
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
/// Issue 15 at the experiment level for <c>interpolation</c>, whose nets are stacked per (batch
/// size, learning rate) over every seed and initialisation.
/// </summary>
public sealed class InterpolationStackingTests : StackingTests
{
    private static readonly InterpolationConfig Tiny = InterpolationConfig.Quick with
    {
        Pairs =
        [
            new("batch-size", new InterpolationNet(10, 1e-3), new InterpolationNet(40, 1e-3)),
            new("learning-rate", new InterpolationNet(10, 1e-3), new InterpolationNet(10, 1e-2)),
        ],
        Epochs = 2, TrainSamples = 120, TestSamples = null, AlphaPoints = 7,
    };

    [Fact]
    public void A_stack_of_one_is_bit_identical_to_the_single_net_training()
    {
        var config = Tiny with { Seeds = [6], Initialisations = [Initialisation.Separate] };
        Saved(Interpolation.Run(config, Context)).Should().Be(Saved(Unstacked(config)));
    }

    [Fact]
    public void A_stack_of_every_seed_and_initialisation_matches_the_separate_trainings()
    {
        var config = Tiny with { Seeds = [0, 1] }; // stacks of 4: two seeds, two initialisations
        var stacked = Interpolation.Run(config, Context);
        var separate = Unstacked(config);
        Differences(stacked, separate, relative: 1e-4, absolute: 1e-6).Should().BeEmpty();
        Saved(stacked).Should().NotBe(Saved(separate), "a batched product rounds differently");
    }

    /// <summary>
    /// The experiment as it trained before stacking (8c5eed5): one <see cref="Mlp"/> per (seed,
    /// initialisation, net); the lines evaluated as the experiment evaluates them (<see cref="MlpLine"/>,
    /// checked against the trainer's evaluation in <c>MlpLineTests</c>).
    /// </summary>
    private static InterpolationResult Unstacked(InterpolationConfig config)
    {
        double[] alphas = Interpolation.Alphas(config);
        var nets = config.Pairs.SelectMany(p => new[] { p.First, p.Second }).Distinct().ToList();
        var trainings = (from seed in config.Seeds from init in config.Initialisations from net in nets select (seed, init, net)).ToList();
        var solutions = trainings.Select(t => Train(config, t.seed, t.init, t.net)).ToList();
        (float[] Theta, double Loss) SolutionOf(int seed, Initialisation init, InterpolationNet net) => solutions[trainings.IndexOf((seed, init, net))];
        var curves = from seed in config.Seeds
                     from init in config.Initialisations
                     from pair in config.Pairs
                     select Line(config, seed, init, pair, SolutionOf(seed, init, pair.First), SolutionOf(seed, init, pair.Second), alphas);
        return new InterpolationResult(config, Mlp.CountParameters(config.Widths), curves.ToArray());
    }

    private static (TensorSet Train, TensorSet Test) SetsOf(InterpolationConfig config, int seed)
    {
        using var generator = new Generator(Seeds.Derive(seed, Interpolation.SeedKey, "train-subset"));
        return (Data.Train.Subset(config.TrainSamples, generator), Data.Test.First(config.TestSamples));
    }

    private static (float[] Theta, double Loss) Train(InterpolationConfig config, int seed, Initialisation init, InterpolationNet net)
    {
        using var scope = NewDisposeScope();
        var (train, _) = SetsOf(config, seed);
        string initKey = init == Initialisation.Shared ? "shared" : net.Name;
        using var initGenerator = new Generator(Seeds.Derive(seed, Interpolation.SeedKey, "init", initKey));
        using var model = new Mlp(config.Widths, config.Activation).InitializeWith(initGenerator);
        using var generator = new Generator(Seeds.Derive(seed, Interpolation.SeedKey, "shuffle", init.ToString(), net.Name));
        var history = new Trainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = net.BatchSize,
            LearningRate = net.LearningRate,
            Loss = LossKind.CrossEntropy,
        }).Fit(model, train, test: null, generator);
        using var theta = model.ParametersToVector();
        return (theta.data<float>().ToArray(), history[^1].Loss);
    }

    private static InterpolationCurve Line(
        InterpolationConfig config, int seed, Initialisation init, InterpolationPair pair,
        (float[] Theta, double Loss) first, (float[] Theta, double Loss) second, double[] alphas)
    {
        using var scope = NewDisposeScope();
        var (train, test) = SetsOf(config, seed);
        var theta1 = tensor(first.Theta);
        var theta2 = tensor(second.Theta);
        double distance = (theta2 - theta1).norm().ToDouble();
        using var onTrain = new MlpLine(config.Widths, config.Activation, theta1, theta2, train);
        using var onTest = new MlpLine(config.Widths, config.Activation, theta1, theta2, test);
        var points = alphas.Select(alpha => new InterpolationPoint(alpha, onTrain.At(alpha), onTest.At(alpha))).ToList();
        return new InterpolationCurve(pair.Name, init, seed, distance, [first.Loss, second.Loss], points.ToArray());
    }
}
