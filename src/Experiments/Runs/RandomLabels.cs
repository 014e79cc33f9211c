using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Runs;

/// <summary>
/// Report 1-3, "Can network fit random labels" (Zhang et al. 2017): a fully connected net
/// with far more parameters than training images learns MNIST whose training labels were
/// all replaced by labels drawn from a seeded generator; the test set keeps its true labels.
/// </summary>
public sealed record RandomLabelsConfig : IExperimentConfig
{
    /// <summary>784-512-512-10: 669,706 parameters, 33x the 20,000 images of the full profile.</summary>
    public int[] Widths { get; init; } = [784, 512, 512, 10];

    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>
    /// Training images (a seeded subset). 20,000 memorise (90% training accuracy by about
    /// epoch 46, measured here) in about 6 minutes on 2 cores; all 60,000 need three times the
    /// steps per epoch and more epochs, about 30-40 minutes, far over this part's 15-minute budget.
    /// </summary>
    public int TrainSamples { get; init; } = 20_000;

    /// <summary>Test images (the first ones, true labels); null for all 10,000.</summary>
    public int? TestSamples { get; init; }

    public int Epochs { get; init; } = 80;

    public int BatchSize { get; init; } = 128;

    public double LearningRate { get; init; } = 1e-3;

    public int[] Seeds { get; init; } = [0, 1, 2, 3, 4];

    public static RandomLabelsConfig Full { get; } = new();

    /// <summary>CI scale: 1,000 images, a narrower net (still 235x more parameters than images).</summary>
    public static RandomLabelsConfig Quick { get; } = new()
    {
        Widths = [784, 256, 256, 10], TrainSamples = 1_000, TestSamples = 2_000, Epochs = 60, BatchSize = 100,
    };

    public static RandomLabelsConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>Sample-parameter products of the training, about 90 ps each on 2 cores (fitted to the measured 4.8 min at full, 6 s at quick). For balancing shards only.</summary>
    public double EstimatedSeconds() => Seeds.Length * (double)Epochs * TrainSamples * Mlp.CountParameters(Widths) * 9e-11;

    /// <summary>
    /// The rules this config keeps before anything trains (checked for presets and for every
    /// <c>--set</c>): the field, the bad value and what is allowed, one line each.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        return new ConfigRules()
            .Widths(nameof(Widths), Widths, input: 784, output: 10)
            .Defined(nameof(Activation), Activation)
            .Count(nameof(TrainSamples), TrainSamples, 1, ConfigRules.MnistTrainImages)
            .Count(nameof(TestSamples), TestSamples, 1, ConfigRules.MnistTestImages, "all 10,000")
            .Count(nameof(Epochs), Epochs)
            .Count(nameof(BatchSize), BatchSize, 1, ConfigRules.MnistTrainImages)
            .LearningRate(nameof(LearningRate), LearningRate)
            .Seeds(nameof(Seeds), Seeds)
            .Problems;
    }
}

/// <summary>One training on random labels: its metrics per epoch (training metrics against the random labels).</summary>
public sealed record RandomLabelsRun(int Seed, long Parameters, EpochMetrics[] Epochs);

public sealed record RandomLabelsResult(RandomLabelsConfig Config, RandomLabelsRun[] Runs) : IExperimentResult<RandomLabelsConfig>;

/// <summary>The <c>random-labels</c> experiment: trains on randomly relabelled MNIST.</summary>
public static class RandomLabels
{
    /// <summary>The experiment's name on the command line, in test traits and under <c>artifacts/runs/</c>.</summary>
    public const string Name = "random-labels";

    public static Experiment<RandomLabelsConfig, RandomLabelsResult> Experiment { get; } = new(Name, "1-3", "Can a network fit random labels? Train and test loss per epoch", RandomLabelsConfig.For, Run);

    public static RandomLabelsResult Run(RandomLabelsConfig config, RunContext context)
    {
        var mnist = context.Mnist();
        using var progress = context.Observer.Start($"1-3 random labels: {config.Seeds.Length} trainings x {config.Epochs} epochs", config.Seeds.Length * config.Epochs);
        var runs = context.Map(config.Seeds, seed => Train(config, mnist, seed, progress, context.Meter));
        return new RandomLabelsResult(config, runs.ToArray());
    }

    /// <summary>Part of every seed this experiment derives (<see cref="Seeds.Derive"/>): changing it changes every result. Not <see cref="Name"/>, so that a rename cannot.</summary>
    public const string SeedKey = "random-labels";

    private static RandomLabelsRun Train(RandomLabelsConfig config, MnistData mnist, int seed, IProgressTask progress, ITrainingMeter? meter)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, SeedKey));
        var images = mnist.Train.Subset(config.TrainSamples, generator);
        var train = images with { Targets = randint(0, 10, [images.Count], generator: generator) };
        var test = mnist.Test.First(config.TestSamples);
        using var model = new Mlp(config.Widths, config.Activation).InitializeWith(generator);
        var history = new Trainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.CrossEntropy,
            EvaluateTrain = true,
        })
        {
            Progress = progress,
            Meter = meter,
            RunName = $"random-label training, seed {seed}",
        }.Fit(model, train, test, generator);
        return new RandomLabelsRun(seed, model.ParameterCount(), history.ToArray());
    }
}
