using Homework.Experiments.Core;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Runs;

/// <summary>
/// Report 1-2, "Gradient norm observation": a net fits sin(5πx)/(5πx) with Adam while the
/// loss and the L2 norm of the gradient of all parameters are recorded at every epoch
/// (and at every iteration, when an epoch has several).
/// </summary>
public sealed record GradientNormConfig : IExperimentConfig
{
    /// <summary>The 57-parameter net of part 1-2 (1-4-8-1).</summary>
    public int[] Widths { get; init; } = [1, 4, 8, 1];

    public Activation Activation { get; init; } = Activation.LeakyRelu;

    /// <summary>Grid points on (0, 1].</summary>
    public int Points { get; init; } = 1000;

    /// <summary>Samples per step; null is full batch (one iteration an epoch).</summary>
    public int? BatchSize { get; init; }

    public int Epochs { get; init; } = 5_000;

    public double LearningRate { get; init; } = 1e-3;

    public int[] Seeds { get; init; } = [0, 1, 2, 3, 4];

    public static GradientNormConfig Full { get; } = new();

    /// <summary>
    /// CI scale: the full schedule and seeds; it takes seconds. A shorter one cannot decide the
    /// claim: the gradient-norm spikes start after about 2,000 epochs.
    /// </summary>
    public static GradientNormConfig Quick { get; } = Full;

    public static GradientNormConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>Steps of the 57-parameter net, about 0.28 ms each (fitted to the measured 7 s at full, 4 s at quick). For balancing shards only.</summary>
    public double EstimatedSeconds() => Seeds.Length * (double)Epochs * Math.Ceiling((double)Points / (BatchSize ?? Points)) * 2.8e-4;

    /// <summary>
    /// The rules this config keeps before anything trains (checked for presets and for every
    /// <c>--set</c>): the field, the bad value and what is allowed, one line each.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        return new ConfigRules()
            .Widths(nameof(Widths), Widths, input: 1, output: 1)
            .Defined(nameof(Activation), Activation)
            .Count(nameof(Points), Points, 1, 1_000_000)
            .Count(nameof(BatchSize), BatchSize, 1, int.MaxValue, "full batch")
            .Count(nameof(Epochs), Epochs)
            .LearningRate(nameof(LearningRate), LearningRate)
            .Seeds(nameof(Seeds), Seeds)
            .Problems;
    }
}

/// <param name="Loss">Mean training loss of every epoch.</param>
/// <param name="GradientNorm">Mean gradient L2 norm over each epoch's iterations.</param>
/// <param name="IterationGradientNorm">Gradient L2 norm at every iteration.</param>
public sealed record GradientNormRun(int Seed, float[] Loss, float[] GradientNorm, float[] IterationGradientNorm);

public sealed record GradientNormResult(GradientNormConfig Config, GradientNormRun[] Runs) : IExperimentResult<GradientNormConfig>
{
    public GradientNormRun Run(int seed) => Runs.Single(r => r.Seed == seed);
}

/// <summary>The <c>gradient-norm</c> experiment: records the loss and the gradient norm of every epoch.</summary>
public static class GradientNorm
{
    /// <summary>The experiment's name on the command line, in test traits and under <c>artifacts/runs/</c>.</summary>
    public const string Name = "gradient-norm";

    public static Experiment<GradientNormConfig, GradientNormResult> Experiment { get; } = new(Name, "1-2", "Loss and gradient norm per epoch while fitting sin(5πx)/(5πx)", GradientNormConfig.For, Run);

    public static GradientNormResult Run(GradientNormConfig config, RunContext context)
    {
        double[] x = FunctionFitting.Grid(0, 1, config.Points);
        using var progress = context.Observer.Start($"1-2 gradient norm: {config.Seeds.Length} trainings x {config.Epochs:N0} epochs", config.Seeds.Length * config.Epochs);
        // Every seed in one stack: the 57-parameter net's full-batch steps are call overhead.
        var runs = context.RunOne(() => Train(config, x, progress, context.Meter));
        return new GradientNormResult(config, runs);
    }

    /// <summary>‖∇θ‖₂ over every parameter's current gradient.</summary>
    public static double Norm(IEnumerable<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        var squares = parameters.Where(p => p.grad is not null).Select(p => p.grad!.Squared().sum()).ToList();
        return squares.Count == 0 ? 0 : stack(squares).sum().sqrt().ToDouble();
    }

    /// <summary>Part of every seed this experiment derives (<see cref="Seeds.Derive"/>): changing it changes every result. Not <see cref="Name"/>, so that a rename cannot.</summary>
    public const string SeedKey = "gradient-norm";

    /// <summary>
    /// Every seed's training as one stack: member i is seed i's training with its own generator
    /// (<see cref="Seeds.Derive"/>, as before stacking); after every backward pass each member's own
    /// gradient norm is read (<see cref="StackedModule.MemberGradientNorms"/>; a stack of one
    /// computes it with <see cref="Norm"/>, as the single net did).
    /// </summary>
    private static GradientNormRun[] Train(GradientNormConfig config, double[] x, IProgressTask progress, ITrainingMeter? meter)
    {
        using var scope = NewDisposeScope();
        int members = config.Seeds.Length;
        using var generators = new Generators(config.Seeds.Select(seed => Seeds.Derive(seed, SeedKey)));
        using var model = new StackedMlp(config.Widths, members, config.Activation).InitializeMembers(generators.All);
        var data = FunctionFitting.Tensors(TargetFunction.Sinc, x);
        var iterationNorms = Enumerable.Range(0, members).Select(_ => new List<float>()).ToArray();
        var epochNorms = Enumerable.Range(0, members).Select(_ => new List<float>()).ToArray();
        int epochStart = 0;
        var histories = new StackedTrainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.MeanSquaredError,
        })
        {
            Progress = progress,
            Meter = meter,
            RunNames = [.. config.Seeds.Select(seed => $"gradient-norm run, seed {seed}")],
            AfterBackward = _ =>
            {
                float[] norms = members == 1 ? [(float)Norm(model.parameters())] : MemberNorms(model);
                for (int i = 0; i < members; i++) iterationNorms[i].Add(norms[i]);
            },
            AfterEpoch = (i, _) =>
            {
                epochNorms[i].Add((float)iterationNorms[i].Skip(epochStart).Average(v => (double)v));
                if (i == members - 1) epochStart = iterationNorms[i].Count;
            },
        }.Fit(model, [.. Enumerable.Repeat(data, members)], test: null, generators.All);
        return [.. config.Seeds.Select((seed, i) =>
            new GradientNormRun(seed, histories[i].Select(h => (float)h.Loss).ToArray(), epochNorms[i].ToArray(), iterationNorms[i].ToArray()))];
    }

    /// <summary>Each member's ‖∇θᵢ‖₂, read in one go.</summary>
    private static float[] MemberNorms(StackedModule model)
    {
        using var norms = model.MemberGradientNorms();
        return norms.data<float>().ToArray();
    }
}
