using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Runs;

/// <summary>A named CNN by its widths.</summary>
public sealed record CnnSpec(string Name, CnnWidths Widths);

/// <summary>
/// Report 1-1, "Train on actual tasks": two CNNs (conv + ReLU + max-pool, then fully
/// connected layers; different widths in every layer) on MNIST, batch size 10, Adam with
/// learning rate 0.001; training data reshuffled every epoch by the run's generator, test
/// data in order.
/// </summary>
public sealed record MnistCnnConfig : IExperimentConfig
{
    /// <summary>The two nets: about 5,400 and 20,500 parameters.</summary>
    public CnnSpec[] Nets { get; init; } =
    [
        new("cnn-1", new CnnWidths(Conv1: 4, Conv2: 8, Hidden: 32)),
        new("cnn-2", new CnnWidths(Conv1: 8, Conv2: 16, Hidden: 64)),
    ];

    /// <summary>Passes over the training set; the report's 70.</summary>
    public int Epochs { get; init; } = 70;

    /// <summary>The report's batch size of 10.</summary>
    public int BatchSize { get; init; } = 10;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Training images used: null for all 60,000, else a seeded random subset.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Test images used: null for all 10,000, else the first ones (the test set is never shuffled).</summary>
    public int? TestSamples { get; init; }

    public int[] Seeds { get; init; } = [0, 1, 2, 3, 4];

    /// <summary>The report's scale: all of MNIST, 70 epochs.</summary>
    public static MnistCnnConfig Full { get; } = new();

    /// <summary>CI scale: 6,000 training and the first 2,000 test images, 8 epochs.</summary>
    public static MnistCnnConfig Quick { get; } = new() { Epochs = 8, TrainSamples = 6_000, TestSamples = 2_000 };

    public static MnistCnnConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>
    /// The rules this config keeps before anything trains (checked for presets and for every
    /// <c>--set</c>): the field, the bad value and what is allowed, one line each.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var rules = new ConfigRules().Distinct(nameof(Nets), Nets, n => n.Name, "named net");
        for (int i = 0; i < Nets.Length; i++)
        {
            var widths = Nets[i].Widths;
            rules.Text(ConfigRules.Key(nameof(Nets), i, nameof(CnnSpec.Name)), Nets[i].Name)
                .That(widths is { Conv1: >= 1, Conv2: >= 1, Hidden: >= 1 }, ConfigRules.Key(nameof(Nets), i, nameof(CnnSpec.Widths)), widths,
                    "channels and units of at least 1 each, e.g. {\"conv1\":4,\"conv2\":8,\"hidden\":32}");
        }
        return rules
            .Count(nameof(Epochs), Epochs)
            .Count(nameof(BatchSize), BatchSize, 1, ConfigRules.MnistTrainImages)
            .LearningRate(nameof(LearningRate), LearningRate)
            .Count(nameof(TrainSamples), TrainSamples, 1, ConfigRules.MnistTrainImages, "all 60,000")
            .Count(nameof(TestSamples), TestSamples, 1, ConfigRules.MnistTestImages, "all 10,000")
            .Seeds(nameof(Seeds), Seeds)
            .Problems;
    }
}

/// <summary>One CNN trained from one seed: metrics of every epoch.</summary>
public sealed record CnnRun(string Net, int Seed, long Parameters, EpochMetrics[] Epochs);

public sealed record MnistCnnResult(MnistCnnConfig Config, CnnRun[] Runs) : IExperimentResult<MnistCnnConfig>
{
    public CnnRun Run(string net, int seed) => Runs.Single(r => r.Net == net && r.Seed == seed);
}

/// <summary>The <c>mnist-cnn</c> experiment: trains the two CNNs of <see cref="MnistCnnConfig"/> on MNIST.</summary>
public static class MnistCnn
{
    /// <summary>The experiment's name on the command line, in test traits and under <c>artifacts/runs/</c>.</summary>
    public const string Name = "mnist-cnn";

    public static Experiment<MnistCnnConfig, MnistCnnResult> Experiment { get; } = new(Name, "1-1", "Two CNNs on MNIST, batch size 10: loss and train/test accuracy per epoch", MnistCnnConfig.For, Run);

    public static MnistCnnResult Run(MnistCnnConfig config, RunContext context)
    {
        var mnist = context.Mnist();
        var jobs = (from seed in config.Seeds from net in config.Nets select (seed, net)).ToList();
        using var progress = context.Observer.Start($"1-1 MNIST CNNs: {jobs.Count} trainings x {config.Epochs} epochs", jobs.Count * config.Epochs);
        var runs = context.Map(jobs, job => Train(config, mnist, job.net, job.seed, progress));
        return new MnistCnnResult(config, runs.ToArray());
    }

    /// <summary>Part of every seed this experiment derives (<see cref="Seeds.Derive"/>): changing it changes every result. Not <see cref="Name"/>, so that a rename cannot.</summary>
    public const string SeedKey = "mnist-cnn";

    private static CnnRun Train(MnistCnnConfig config, MnistData mnist, CnnSpec spec, int seed, IProgressTask progress)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, SeedKey, spec.Name));
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
        })
        {
            Progress = progress,
            RunName = $"{spec.Name}, seed {seed}",
        };
        var history = trainer.Fit(model, train, test, generator);
        return new CnnRun(spec.Name, seed, model.ParameterCount(), history.ToArray());
    }
}
