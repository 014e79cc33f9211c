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

    public int[] Seeds { get; init; } = [0, 1, 2];

    /// <summary>The report's scale: all of MNIST, 70 epochs.</summary>
    public static MnistCnnConfig Full { get; } = new();

    /// <summary>CI scale: 6,000 training and the first 2,000 test images, 8 epochs.</summary>
    public static MnistCnnConfig Quick { get; } = new() { Epochs = 8, TrainSamples = 6_000, TestSamples = 2_000 };

    public static MnistCnnConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>
    /// Batch steps of every net and seed, each a fixed 0.94 ms (the step is mostly LibTorch call
    /// overhead) plus 0.22 ns per multiply-add of the batch's forward pass, fitted to the benchmark's
    /// step times (1.36 and 1.92 ms for the two nets) and the full profile's hour on 2 cores. The
    /// per-net cost is what lets a sharded run balance the two nets as separate parts (see
    /// <see cref="MnistCnn.ByNet"/>). For balancing shards only.
    /// </summary>
    public double EstimatedSeconds()
    {
        double steps = Seeds.Length * (double)Epochs * Math.Ceiling((double)(TrainSamples ?? ConfigRules.MnistTrainImages) / BatchSize);
        return Nets.Sum(net => steps * (0.94e-3 + 2.2e-10 * BatchSize * MultiplyAdds(net.Widths)));
    }

    /// <summary>Multiply-adds of one image's forward pass through <see cref="LeNet"/> with these widths (5x5 convolutions on 28x28, 2x2 pooling).</summary>
    private static double MultiplyAdds(CnnWidths w) =>
        24 * 24 * 25.0 * w.Conv1 + 8 * 8 * 25.0 * w.Conv1 * w.Conv2 + 16.0 * w.Conv2 * w.Hidden + 10.0 * w.Hidden;

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

    /// <summary>
    /// How a sharded run (<c>run --shard i/n</c>) splits this experiment, the longest of the full
    /// profile: one part per net, each the config with that one net and every seed. The merged
    /// result lists the runs as <see cref="Run"/> does: seed by seed, and within a seed the nets in
    /// config order. A part trains exactly what the whole run trains for that net: each training
    /// draws from its own generator, derived from its seed and net name, and nothing is shared
    /// between nets. Not by seed: seeds of one net are what stacked training (many small nets
    /// as one batched model) puts together, and a batched kernel may take another path, with other
    /// last bits, when the number of stacked members changes; nets of different shapes never stack,
    /// so a part by net trains the same stacks as the whole run.
    /// </summary>
    public static ExperimentSplit<MnistCnnConfig, MnistCnnResult> ByNet { get; } = new("net",
        config => config.Nets.Select(net => (net.Name, config with { Nets = [net] })).ToList(),
        (config, parts) => new MnistCnnResult(config,
            [.. from seed in config.Seeds from i in Enumerable.Range(0, config.Nets.Length) select parts[i].Run(config.Nets[i].Name, seed)]));

    public static Experiment<MnistCnnConfig, MnistCnnResult> Experiment { get; } =
        new(Name, "1-1", "Two CNNs on MNIST, batch size 10: loss and train/test accuracy per epoch", MnistCnnConfig.For, Run) { Split = ByNet };

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
