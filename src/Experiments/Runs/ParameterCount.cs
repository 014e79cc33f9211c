using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Runs;

/// <summary>
/// Report 1-3, "Number of parameters v.s. generalization": feed-forward nets with three
/// hidden layers of one width, from a few thousand to almost a million parameters, each
/// trained for 2,000 iterations with Adam (learning rate 0.001) on MNIST; the final loss and
/// accuracy on the whole training and test sets are compared.
/// </summary>
public sealed record ParameterCountConfig : IExperimentConfig
{
    /// <summary>
    /// Hidden widths; a net is 784-w-w-w-10 with 2w² + 797w + 10 parameters: from 1,612
    /// (w = 2) to 932,362 (w = 512), almost three orders of magnitude.
    /// </summary>
    public int[] HiddenWidths { get; init; } = [2, 4, 8, 16, 32, 64, 96, 128, 192, 256, 384, 512];

    /// <summary>
    /// Leaky ReLU, as in part 1-1: with plain ReLU the 2- and 4-unit nets often die (seen here:
    /// a width-2 net stuck at 11% accuracy), which measures dead units rather than size.
    /// </summary>
    public Activation Activation { get; init; } = Activation.LeakyRelu;

    /// <summary>The report's 2,000 training iterations.</summary>
    public int Iterations { get; init; } = 2_000;

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Training images: null for all 60,000, else a seeded subset.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Test images: null for all 10,000, else the first ones.</summary>
    public int? TestSamples { get; init; }

    public int[] Seeds { get; init; } = [0, 1, 2, 3, 4];

    public static ParameterCountConfig Full { get; } = new();

    /// <summary>CI scale: 8 widths, 400 iterations on 10,000 training images, the first 2,000 test images.</summary>
    public static ParameterCountConfig Quick { get; } = new()
    {
        HiddenWidths = [2, 4, 8, 16, 32, 64, 128, 256], Iterations = 400, TrainSamples = 10_000, TestSamples = 2_000,
    };

    public static ParameterCountConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>
    /// Per net and seed: a fixed 0.2 ms a step plus 23 ps per sample-parameter product (3x a forward
    /// pass in training, 1x for the final evaluation on both sets), fitted to the measured 1.5 min at
    /// full and 7 s at quick on 2 cores. For balancing shards only.
    /// </summary>
    public double EstimatedSeconds()
    {
        double samples = (TrainSamples ?? ConfigRules.MnistTrainImages) + (double)(TestSamples ?? ConfigRules.MnistTestImages);
        return Seeds.Length * HiddenWidths.Sum(width =>
            Iterations * 2e-4 + (3.0 * Iterations * BatchSize + samples) * Mlp.CountParameters(Widths(width)) * 2.3e-11);
    }

    /// <summary>
    /// The rules this config keeps before anything trains (checked for presets and for every
    /// <c>--set</c>): the field, the bad value and what is allowed, one line each.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        return new ConfigRules()
            .Counts(nameof(HiddenWidths), HiddenWidths, 1, 65_536, "hidden width")
            .Defined(nameof(Activation), Activation)
            .Count(nameof(Iterations), Iterations)
            .Count(nameof(BatchSize), BatchSize, 1, ConfigRules.MnistTrainImages)
            .LearningRate(nameof(LearningRate), LearningRate)
            .Count(nameof(TrainSamples), TrainSamples, 1, ConfigRules.MnistTrainImages, "all 60,000")
            .Count(nameof(TestSamples), TestSamples, 1, ConfigRules.MnistTestImages, "all 10,000")
            .Seeds(nameof(Seeds), Seeds)
            .Problems;
    }

    public static int[] Widths(int hidden) => [784, hidden, hidden, hidden, 10];
}

/// <summary>One net after its training: size and final metrics on the whole training and test sets.</summary>
public sealed record SizedNet(int Seed, int HiddenWidth, long Parameters, Evaluation Train, Evaluation Test);

public sealed record ParameterCountResult(ParameterCountConfig Config, SizedNet[] Nets) : IExperimentResult<ParameterCountConfig>
{
    /// <summary>The nets of one seed, smallest first.</summary>
    public IReadOnlyList<SizedNet> OfSeed(int seed) => Nets.Where(n => n.Seed == seed).OrderBy(n => n.Parameters).ToList();
}

/// <summary>The <c>parameter-count</c> experiment: trains nets of growing width on MNIST.</summary>
public static class ParameterCount
{
    /// <summary>The experiment's name on the command line, in test traits and under <c>artifacts/runs/</c>.</summary>
    public const string Name = "parameter-count";

    public static Experiment<ParameterCountConfig, ParameterCountResult> Experiment { get; } = new(Name, "1-3", "Number of parameters vs generalization: final loss and accuracy of 3-hidden-layer nets", ParameterCountConfig.For, Run);

    /// <summary>
    /// Nets up to <see cref="StackedUpToWidth"/> units wide are trained as one stack per width, of
    /// every seed; wider ones alone, one training per seed. Largest work first, so that the
    /// slowest trainings do not end up last on one core.
    /// </summary>
    public static ParameterCountResult Run(ParameterCountConfig config, RunContext context)
    {
        var mnist = context.Mnist();
        var jobs = (from width in config.HiddenWidths.OrderDescending()
                    from seeds in width <= StackedUpToWidth ? [config.Seeds] : config.Seeds.Select(seed => new[] { seed })
                    select (width, seeds)).ToList();
        int trainings = config.HiddenWidths.Length * config.Seeds.Length;
        using var progress = context.Observer.Start($"1-3 parameters vs generalization: {trainings} nets x {config.Iterations:N0} iterations", trainings);
        var nets = context.Map(jobs, job =>
        {
            var trained = job.seeds.Length == 1 && job.width > StackedUpToWidth
                ? [TrainAlone(config, mnist, job.width, job.seeds[0], context.Meter)]
                : TrainStack(config, mnist, job.width, job.seeds, context.Meter);
            progress.Advance(trained.Length);
            return trained;
        });
        return new ParameterCountResult(config, nets.SelectMany(n => n).OrderBy(n => n.Seed).ThenBy(n => n.Parameters).ToArray());
    }

    /// <summary>
    /// The widest hidden layers trained as a stack. Measured here (thread CPU time, batch 64), a
    /// stack of five 784-w-w-w-10 nets costs about half of five separate trainings per member for
    /// the narrow nets, which are call overhead; at w = 512 (932k parameters) a step is one large
    /// GEMM per layer already, at 50-60% of the sgemm peak, and the stack was slower (0.68-0.73x).
    /// </summary>
    public const int StackedUpToWidth = 128;

    /// <summary>Part of every seed this experiment derives (<see cref="Seeds.Derive"/>): changing it changes every result. Not <see cref="Name"/>, so that a rename cannot.</summary>
    public const string SeedKey = "parameter-count";

    private static TrainingOptions Options(ParameterCountConfig config, long trainImages) => new()
    {
        Epochs = (int)Math.Ceiling(config.Iterations / Math.Ceiling(trainImages / (double)config.BatchSize)),
        MaxSteps = config.Iterations,
        BatchSize = config.BatchSize,
        LearningRate = config.LearningRate,
        Loss = LossKind.CrossEntropy,
        EvaluateEvery = int.MaxValue, // only the last epoch
    };

    /// <summary>
    /// The nets of one width, one per seed, as one stack: member i is seed i's training, whose own
    /// generator (<see cref="Seeds.Derive"/> of seed and width, as before stacking) draws its
    /// training subset, its initial weights and its shuffles, in that order.
    /// </summary>
    private static SizedNet[] TrainStack(ParameterCountConfig config, MnistData mnist, int width, int[] seeds, ITrainingMeter? meter)
    {
        using var scope = NewDisposeScope();
        string widthKey = width.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var generators = new Generators(seeds.Select(seed => Seeds.Derive(seed, SeedKey, widthKey)));
        var train = generators.All.Select(g => mnist.Train.Subset(config.TrainSamples, g)).ToList();
        var test = mnist.Test.First(config.TestSamples);
        using var model = new StackedMlp(ParameterCountConfig.Widths(width), seeds.Length, config.Activation).InitializeMembers(generators.All);
        var trainer = new StackedTrainer(Options(config, train[0].Count))
        {
            RunNames = [.. seeds.Select(seed => $"width-{width} net, seed {seed}")],
            Meter = meter,
        };
        trainer.Fit(model, train, test: null, generators.All);
        var trainMetrics = trainer.Evaluate(model, train);
        var testMetrics = trainer.Evaluate(model, [.. Enumerable.Repeat(test, seeds.Length)]);
        return [.. seeds.Select((seed, i) => new SizedNet(seed, width, model.ParametersPerMember, trainMetrics[i], testMetrics[i]))];
    }

    /// <summary>One net trained alone, with the same generator, data and schedule as a member of a stack.</summary>
    private static SizedNet TrainAlone(ParameterCountConfig config, MnistData mnist, int width, int seed, ITrainingMeter? meter)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, SeedKey, width.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var train = mnist.Train.Subset(config.TrainSamples, generator);
        var test = mnist.Test.First(config.TestSamples);
        using var model = new Mlp(ParameterCountConfig.Widths(width), config.Activation).InitializeWith(generator);
        var trainer = new Trainer(Options(config, train.Count)) { RunName = $"width-{width} net, seed {seed}", Meter = meter };
        trainer.Fit(model, train, test: null, generator);
        return new SizedNet(seed, width, model.ParameterCount(), trainer.Evaluate(model, train), trainer.Evaluate(model, test));
    }
}
