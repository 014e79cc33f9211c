using Homework.Experiments.Analysis;
using Homework.Experiments.Core;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Runs;

/// <summary>
/// Report 1-2, "Visualize the optimization process": a 57-parameter net (1-4-8-1) fits
/// sin(5πx)/(5πx) with Adam in eight independent series; every few epochs the weights are
/// collected with the loss, and PCA (fitted once on every collected vector of every series)
/// projects them to two dimensions, for one layer and for the whole model.
/// </summary>
public sealed record OptimizationPathsConfig : IExperimentConfig
{
    /// <summary>Three fully connected layers, 57 parameters.</summary>
    public int[] Widths { get; init; } = [1, 4, 8, 1];

    /// <summary>Same nonlinearity as part 1-1, for the same reason (narrow ReLU layers die).</summary>
    public Activation Activation { get; init; } = Activation.LeakyRelu;

    /// <summary>Grid points on (0, 1].</summary>
    public int Points { get; init; } = 1000;

    /// <summary>Minibatch size: 20 steps an epoch on 1,000 points.</summary>
    public int BatchSize { get; init; } = 50;

    /// <summary>The report's 60 epochs per series.</summary>
    public int Epochs { get; init; } = 60;

    /// <summary>Collect the weights every this many epochs (the homework's 3), plus the initial weights.</summary>
    public int CollectEvery { get; init; } = 3;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The layer shown in figure 7: the report's "second layer" (4 -> 8, weights and biases).</summary>
    public string Layer { get; init; } = "fc2";

    /// <summary>One series per seed: the report's eight.</summary>
    public int[] Seeds { get; init; } = [0, 1, 2, 3, 4, 5, 6, 7];

    public static OptimizationPathsConfig Full { get; } = new();

    /// <summary>CI scale: the same eight series with a 30-epoch schedule.</summary>
    public static OptimizationPathsConfig Quick { get; } = new() { Epochs = 30 };

    public static OptimizationPathsConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>Minibatch steps of the 57-parameter net, about 0.32 ms each (fitted to the measured 3 s at full). For balancing shards only.</summary>
    public double EstimatedSeconds() => Seeds.Length * (double)Epochs * Math.Ceiling((double)Points / BatchSize) * 3.2e-4;

    /// <summary>
    /// The rules this config keeps before anything trains (checked for presets and for every
    /// <c>--set</c>): the field, the bad value and what is allowed, one line each.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var rules = new ConfigRules().Widths(nameof(Widths), Widths, input: 1, output: 1);
        // The net's layers are fc1 ... fcN (Mlp's names), one per pair of consecutive widths.
        var layers = Enumerable.Range(1, Math.Max(Widths.Length - 1, 0)).Select(i => $"fc{i}").ToList();
        return rules
            .Defined(nameof(Activation), Activation)
            .Count(nameof(Points), Points, 1, 1_000_000)
            .Count(nameof(BatchSize), BatchSize)
            .Count(nameof(Epochs), Epochs)
            .Count(nameof(CollectEvery), CollectEvery)
            .LearningRate(nameof(LearningRate), LearningRate)
            .That(layers.Contains(Layer), nameof(Layer), Layer, $"one of the net's layers: {string.Join(", ", layers)}")
            .Seeds(nameof(Seeds), Seeds)
            .Problems;
    }
}

/// <summary>One collected point of a series: when, the loss there, and the weights.</summary>
public sealed record WeightSnapshot(int Epoch, double Loss, double[] Model, double[] Layer);

/// <summary>One series: its snapshots and their 2-D projections (model and layer PCA).</summary>
public sealed record OptimizationPath(int Seed, WeightSnapshot[] Snapshots, double[][] ModelPca, double[][] LayerPca);

public sealed record OptimizationPathsResult(
    OptimizationPathsConfig Config, OptimizationPath[] Paths, double[] ModelExplainedVariance, double[] LayerExplainedVariance) : IExperimentResult<OptimizationPathsConfig>;

/// <summary>The <c>optimization-paths</c> experiment: collects the weights of eight training series and projects them by PCA.</summary>
public static class OptimizationPaths
{
    /// <summary>The experiment's name on the command line, in test traits and under <c>artifacts/runs/</c>.</summary>
    public const string Name = "optimization-paths";

    public static Experiment<OptimizationPathsConfig, OptimizationPathsResult> Experiment { get; } = new(Name, "1-2", "Weights of eight training series of a 57-parameter net, projected by PCA", OptimizationPathsConfig.For, Run);

    public static OptimizationPathsResult Run(OptimizationPathsConfig config, RunContext context)
    {
        if (config.CollectEvery < 1) throw new UsageException($"collectEvery must be at least 1; got {config.CollectEvery}.");
        double[] x = FunctionFitting.Grid(0, 1, config.Points);
        using var progress = context.Observer.Start($"1-2 optimization paths: {config.Seeds.Length} series x {config.Epochs} epochs", config.Seeds.Length * config.Epochs);
        // Every series in one stack: 57-parameter nets at batch 50 are all call overhead, and a
        // stack of eight costs about as much per step as one net alone (7x per member, measured).
        var series = context.RunOne(() => Collect(config, x, progress, context.Meter));

        // One PCA over every collected vector of every series, so that all paths share axes.
        var all = series.SelectMany(s => s).ToList();
        var model = Pca.Fit(all.Select(s => s.Model).ToList());
        var layer = Pca.Fit(all.Select(s => s.Layer).ToList());
        var paths = new List<OptimizationPath>();
        int offset = 0;
        for (int i = 0; i < series.Length; i++)
        {
            int n = series[i].Length;
            paths.Add(new OptimizationPath(config.Seeds[i], series[i], model.Projections[offset..(offset + n)], layer.Projections[offset..(offset + n)]));
            offset += n;
        }
        return new OptimizationPathsResult(config, paths.ToArray(), model.ExplainedVariance, layer.ExplainedVariance);
    }

    /// <summary>Part of every seed this experiment derives (<see cref="Seeds.Derive"/>): changing it changes every result. Not <see cref="Name"/>, so that a rename cannot.</summary>
    public const string SeedKey = "optimization-paths";

    /// <summary>
    /// The series of every seed, trained as one stack: member i is the training of seed i with its
    /// own generator (<see cref="Seeds.Derive"/>, as before stacking). Its weights are collected
    /// before training and after every <see cref="OptimizationPathsConfig.CollectEvery"/> epochs.
    /// </summary>
    private static WeightSnapshot[][] Collect(OptimizationPathsConfig config, double[] x, IProgressTask progress, ITrainingMeter? meter)
    {
        using var scope = NewDisposeScope();
        int members = config.Seeds.Length;
        using var generators = new Generators(config.Seeds.Select(seed => Seeds.Derive(seed, SeedKey)));
        using var model = new StackedMlp(config.Widths, members, config.Activation).InitializeMembers(generators.All);
        var data = FunctionFitting.Tensors(TargetFunction.Sinc, x);
        var sets = Enumerable.Repeat(data, members).ToList();
        // The layer's parameters by their place in the single net's parameters() (the stack keeps that order).
        using var single = model.CreateSingle();
        var names = single.named_parameters().Select(p => p.name).ToList();
        var layer = names.Select((name, k) => (name, k)).Where(p => p.name.Split('.').Contains(config.Layer)).Select(p => p.k).ToList();
        if (layer.Count == 0)
            throw new UsageException($"The net has no layer '{config.Layer}'. Valid layers: {string.Join(", ", names.Select(n => n.Split('.')[^2]).Distinct())}.");
        WeightSnapshot Snapshot(int member, int epoch, double loss)
        {
            using var views = NewDisposeScope();
            var parameters = model.MemberParameters(member);
            return new(epoch, loss, Flatten(parameters), Flatten(layer.Select(k => parameters[k])));
        }

        var snapshots = Enumerable.Range(0, members).Select(_ => new List<WeightSnapshot>()).ToArray();
        var trainer = new StackedTrainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.MeanSquaredError,
            EvaluateTrain = true,
            EvaluateEvery = config.CollectEvery,
        })
        {
            Progress = progress,
            Meter = meter,
            RunNames = [.. config.Seeds.Select(seed => $"optimization path, seed {seed}")],
            AfterEpoch = (i, m) => { if (m.Train is { } train) snapshots[i].Add(Snapshot(i, m.Epoch, train.Loss)); },
        };
        var initial = trainer.Evaluate(model, sets);
        for (int i = 0; i < members; i++) snapshots[i].Add(Snapshot(i, 0, initial[i].Loss));
        trainer.Fit(model, sets, test: null, generators.All);
        return [.. snapshots.Select(s => s.ToArray())];
    }

    private static double[] Flatten(IEnumerable<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        return cat(parameters.Select(p => p.detach().flatten().to(float64)).ToList(), 0).data<double>().ToArray();
    }
}
