using System.Globalization;
using Homework.Experiments.Analysis;
using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Runs;

/// <summary>Where the two nets of a pair start from.</summary>
public enum Initialisation
{
    /// <summary>Each net from its own random weights, as most homework solutions do.</summary>
    Separate,

    /// <summary>Both nets from one set of random weights, as Keskar et al. (2017) do.</summary>
    Shared,
}

/// <summary>
/// One way of training the MLP: its batch size and Adam's learning rate; <paramref name="Steps"/>
/// null (the presets) for the config's epochs, else exactly that many steps (robustness variants
/// that compare nets at equal steps; not written when null).
/// </summary>
public sealed record InterpolationNet(
    int BatchSize, double LearningRate,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? Steps = null)
{
    public string Name => $"batch {BatchSize}, lr {LearningRate.ToString("0.####", CultureInfo.InvariantCulture)}" +
                          (Steps is { } steps ? $", {steps.ToString(CultureInfo.InvariantCulture)} steps" : "");

    /// <summary>Steps per epoch on <paramref name="train"/> samples (a last partial batch is a step).</summary>
    public int StepsPerEpoch(int train) => (train + BatchSize - 1) / BatchSize;

    /// <summary>The epochs this net trains on <paramref name="train"/> samples, the last one cut at <see cref="Steps"/>.</summary>
    public int EpochsFor(int epochs, int train) => Steps is { } steps ? (steps + StepsPerEpoch(train) - 1) / StepsPerEpoch(train) : epochs;
}

/// <summary>Two nets whose solutions θ1 (<see cref="First"/>) and θ2 (<see cref="Second"/>) are interpolated.</summary>
public sealed record InterpolationPair(string Name, InterpolationNet First, InterpolationNet Second);

/// <summary>
/// Report 1-3 part 1, "Flatness vs generalization": two nets of one MLP architecture trained
/// on MNIST with Adam in two ways (batch 64 vs 1024, figure 14; learning rate 0.001 vs 0.01,
/// figure 15); then the loss and accuracy on the training and test sets along the line
/// θ(α) = (1 − α)·θ1 + α·θ2, α from −1 to 2 (Keskar et al. 2017, figure 3).
/// </summary>
public sealed record InterpolationConfig : IExperimentConfig
{
    /// <summary>
    /// One hidden layer of 64 ReLU units, 50,890 parameters. The report does not say which net it
    /// used; this one is small enough to train 18 nets on all of MNIST for 30 epochs each within
    /// the time budget, yet large enough to fit the training set (> 99% training accuracy with
    /// batch 64), so α = 0 and α = 1 are near minima of the training loss.
    /// </summary>
    public int[] Widths { get; init; } = [784, 64, 10];

    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>
    /// The report's two comparisons. θ1 is the first net and θ2 the second, so α &gt; 1 lies beyond
    /// the large-batch (or large learning-rate) end. The report does not give the batch size of the
    /// learning-rate pair; it uses 64, the small batch of the first pair, so its lr 0.001 net is the
    /// same training as the batch-64 net (trained once and shared).
    /// </summary>
    public InterpolationPair[] Pairs { get; init; } =
    [
        new("batch-size", new InterpolationNet(64, 1e-3), new InterpolationNet(1024, 1e-3)),
        new("learning-rate", new InterpolationNet(64, 1e-3), new InterpolationNet(64, 1e-2)),
    ];

    /// <summary>Initialisation variants, each a full set of trainings; the claims read both.</summary>
    public Initialisation[] Initialisations { get; init; } = [Initialisation.Separate, Initialisation.Shared];

    /// <summary>
    /// Passes over the training set, the same for both nets of a pair, so the batch-1024 net takes
    /// 16 times fewer steps than the batch-64 one. 30 epochs on all of MNIST: measured here, after
    /// 20 the batch-64 net was at 99.6% training accuracy and the batch-1024 one at 98.4%.
    /// </summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Training images: null for all 60,000, else a seeded random subset shared by every net of a seed.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Test images: null for all 10,000, else the first ones.</summary>
    public int? TestSamples { get; init; }

    /// <summary>First and last α of the line.</summary>
    public double AlphaStart { get; init; } = -1;

    public double AlphaEnd { get; init; } = 2;

    /// <summary>Evenly spaced α, ends included: 61 gives steps of 0.05 (α = −0.5, 0, 1, 1.5 are grid points).</summary>
    public int AlphaPoints { get; init; } = 61;

    /// <summary>
    /// How far beside each end the line is also evaluated: α = −δ, δ, 1 − δ and 1 + δ join the grid
    /// (they are grid points already at 61 α). "A minimum along the line" is a local statement, and
    /// this is where it is judged; α = −1 and 2 lie a whole segment away, where the loss is higher
    /// for almost any pair of points.
    /// </summary>
    public double EndOffset { get; init; } = 0.05;

    /// <summary>
    /// Null (the preset): sharpness is read along the raw line only. Else each end θ of every line is
    /// also evaluated at θ + t·d̂, t this step, d̂ the direction away from the other end filter-normalised
    /// to θ (<see cref="Interpolation.FilterNormalise"/>, Li et al. 2018), and the curves record the
    /// rise of the training loss there and both ends' weight norms; the sharpness claims then
    /// compare those scale-invariant rises (the robustness variant <c>filter-normalised</c>). Not
    /// written when null.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? FilterNormalisedStep { get; init; }

    /// <summary>
    /// Null (the preset): every net trains its epochs. Else every net stops after the first epoch at
    /// whose end its cross-entropy on its whole training set is at most this, or after its epochs
    /// (then a budget) if it never gets there: the same fit instead of equal epochs (the robustness
    /// variant <c>same-training-loss</c>). Not written when null.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? TrainToLoss { get; init; }

    /// <summary>Each seed trains one pair per comparison and initialisation.</summary>
    public int[] Seeds { get; init; } = [0, 1, 2, 3, 4];

    /// <summary>All of MNIST, 30 epochs, 61 values of α, both initialisations.</summary>
    public static InterpolationConfig Full { get; } = new();

    /// <summary>
    /// CI scale: 20,000 training images (seeded), the first 2,000 test images, 12 epochs, 31 values
    /// of α (steps of 0.1). The batch-1024 net takes only 240 steps here, so it is further from a
    /// minimum than in the full profile.
    /// </summary>
    public static InterpolationConfig Quick { get; } = new() { Epochs = 12, TrainSamples = 20_000, TestSamples = 2_000, AlphaPoints = 31 };

    public static InterpolationConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>Training images the nets see (all 60,000 when <see cref="TrainSamples"/> is null); derived, not written.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int TrainCount => TrainSamples ?? ConfigRules.MnistTrainImages;

    /// <summary>The batch-size pair's choices the report leaves unstated, each changed on its own (the robustness table).</summary>
    public static IReadOnlyList<Variant<InterpolationConfig>> Variants { get; } =
    [
        new("equal-steps", "Equal epochs or equal steps? The batch-64 net of the batch-size pair stops after as many steps as the batch-1,024 net takes (1/16 of its epochs).",
            c => c with { Pairs = [.. c.Pairs.Select(p => p.Name == "batch-size" ? p with { First = p.First with { Steps = c.Epochs * p.Second.StepsPerEpoch(c.TrainCount) } } : p)] }),
        new("scaled-learning-rate", "One learning rate for both batch sizes? The batch-1,024 net of the batch-size pair trains with 0.001 × 1,024 / 64 = 0.016 (the linear scaling rule).",
            c => c with { Pairs = [.. c.Pairs.Select(p => p.Name == "batch-size" ? p with { Second = p.Second with { LearningRate = p.First.LearningRate * p.Second.BatchSize / p.First.BatchSize } } : p)] }),
        new("steps-only-control", "Is the batch-size pair's difference the batch size or the number of steps? Its batch-1,024 net replaced by a batch-64 net stopped after the batch-1,024 net's steps.",
            c => c with { Pairs = [.. c.Pairs.Select(p => p.Name == "batch-size" ? p with { Second = p.First with { Steps = c.Epochs * p.Second.StepsPerEpoch(c.TrainCount) } } : p)] }),
        new("same-training-loss", "Equal epochs or the same fit? Every net trains until its training cross-entropy (whole training set, after each epoch) is 0.05, a loss both batch sizes reach (the batch-64 nets end the preset at 0.02-0.03, the batch-1,024 nets at 0.17-0.18), or twenty times the preset's epochs.",
            c => c with { TrainToLoss = 0.05, Epochs = 20 * c.Epochs }),
        new("filter-normalised", "Sharp in which units? The rise beyond each end measured half a step along the line's direction rescaled per neuron to that end's weights (Li et al. 2018's filter normalisation), with both ends' weight norms.",
            c => c with { FilterNormalisedStep = 0.5 }),
    ];

    /// <summary>
    /// Sample-parameter products of the trainings (forward and backward: 3x a forward pass, both nets
    /// of a pair) and of each line's evaluations (about two forward passes over both sets, whatever the
    /// number of α: <see cref="MlpLine"/>), at about 32 ps each on 2 cores (fitted to the measured 70 s
    /// at quick on an idle machine, five seeds, when every α was a whole pass). For balancing shards only.
    /// </summary>
    public double EstimatedSeconds()
    {
        double train = TrainSamples ?? ConfigRules.MnistTrainImages, test = TestSamples ?? ConfigRules.MnistTestImages;
        return Seeds.Length * Pairs.Length * Initialisations.Length * (double)Mlp.CountParameters(Widths)
               * (2 * 3.0 * Epochs * train + 2 * (train + test)) * 3.2e-11;
    }

    /// <summary>
    /// The rules this config keeps before anything trains (checked for presets and for every
    /// <c>--set</c>): the field, the bad value and what is allowed, one line each.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var rules = new ConfigRules()
            .Widths(nameof(Widths), Widths, input: 784, output: 10)
            .Defined(nameof(Activation), Activation)
            .Distinct(nameof(Pairs), Pairs, p => p.Name, "named pair");
        for (int i = 0; i < Pairs.Length; i++)
        {
            rules.Text(ConfigRules.Key(nameof(Pairs), i, nameof(InterpolationPair.Name)), Pairs[i].Name);
            foreach (var (net, name) in new[] { (Pairs[i].First, nameof(InterpolationPair.First)), (Pairs[i].Second, nameof(InterpolationPair.Second)) })
            {
                string field = ConfigRules.Key(nameof(Pairs), i, name);
                rules.Count($"{field}.{ConfigRules.Key(nameof(InterpolationNet.BatchSize))}", net.BatchSize, 1, ConfigRules.MnistTrainImages)
                    .LearningRate($"{field}.{ConfigRules.Key(nameof(InterpolationNet.LearningRate))}", net.LearningRate)
                    .Count($"{field}.{ConfigRules.Key(nameof(InterpolationNet.Steps))}", net.Steps, 1, int.MaxValue, "the config's epochs");
            }
        }
        return rules
            .Defined(nameof(Initialisations), Initialisations)
            .Count(nameof(Epochs), Epochs)
            .Count(nameof(TrainSamples), TrainSamples, 1, ConfigRules.MnistTrainImages, "all 60,000")
            .Count(nameof(TestSamples), TestSamples, 1, ConfigRules.MnistTestImages, "all 10,000")
            .Finite(nameof(AlphaStart), AlphaStart)
            .That(double.IsFinite(AlphaEnd) && AlphaEnd > AlphaStart, nameof(AlphaEnd), AlphaEnd, $"a finite number above alphaStart ({Json.Compact(AlphaStart)})")
            .Count(nameof(AlphaPoints), AlphaPoints, 2, 100_000)
            .That(TrainToLoss is not { } target || (double.IsFinite(target) && target > 0), nameof(TrainToLoss), TrainToLoss, "null (equal epochs) or a finite training loss above 0")
            .That(FilterNormalisedStep is not { } step || (double.IsFinite(step) && step > 0), nameof(FilterNormalisedStep), FilterNormalisedStep, "null (the raw line only) or a finite number above 0")
            .Seeds(nameof(Seeds), Seeds)
            .Problems;
    }
}

/// <summary>Loss and accuracy of θ(α) on the training and test sets.</summary>
public sealed record InterpolationPoint(double Alpha, Evaluation Train, Evaluation Test);

/// <summary>One pair of trained nets and the line through their solutions.</summary>
/// <param name="Distance">‖θ2 − θ1‖₂, the length of the segment from α = 0 to α = 1.</param>
/// <param name="FinalEpochLoss">Mean training loss of the last epoch of the first and the second net.</param>
/// <param name="Norms">‖θ1‖₂ and ‖θ2‖₂ over all parameters; null (and not written) unless <see cref="InterpolationConfig.FilterNormalisedStep"/> is set.</param>
/// <param name="FilterNormalisedRise">
/// L(θ1 + t·d̂1) − L(θ1) and L(θ2 + t·d̂2) − L(θ2), L the training cross-entropy, t the config's
/// <see cref="InterpolationConfig.FilterNormalisedStep"/>, d̂1 and d̂2 the directions θ1 − θ2 and
/// θ2 − θ1 filter-normalised to θ1 and θ2 (<see cref="Interpolation.FilterNormalise"/>); null (and
/// not written) unless that step is set.
/// </param>
public sealed record InterpolationCurve(
    string Pair, Initialisation Initialisation, int Seed, double Distance, double[] FinalEpochLoss, InterpolationPoint[] Points,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double[]? Norms = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double[]? FilterNormalisedRise = null)
{
    /// <summary>The grid point nearest to <paramref name="alpha"/> (exact for the grid's own points).</summary>
    public InterpolationPoint At(double alpha) => Points.MinBy(p => Math.Abs(p.Alpha - alpha))!;
}

public sealed record InterpolationResult(InterpolationConfig Config, long Parameters, InterpolationCurve[] Curves) : IExperimentResult<InterpolationConfig>
{
    public InterpolationCurve Curve(string pair, Initialisation initialisation, int seed) =>
        Curves.SingleOrDefault(c => c.Pair == pair && c.Initialisation == initialisation && c.Seed == seed)
        ?? throw new HomeworkException($"The interpolation result has no {pair} curve with {initialisation} initialisation for seed {seed}; the config runs {string.Join(", ", Config.Initialisations)}.");
}

/// <summary>The <c>interpolation</c> experiment: trains pairs of nets and evaluates the line between their solutions.</summary>
public static class Interpolation
{
    /// <summary>The experiment's name on the command line, in test traits and under <c>artifacts/runs/</c>.</summary>
    public const string Name = "interpolation";

    public static Experiment<InterpolationConfig, InterpolationResult> Experiment { get; } = new(Name, "1-3", "Loss and accuracy on the line between two MNIST solutions (batch 64 vs 1024, lr 0.001 vs 0.01)", InterpolationConfig.For, Run)
    {
        Variants = InterpolationConfig.Variants,
    };

    /// <summary>AlphaPoints evenly spaced values from AlphaStart to AlphaEnd, ends included, and the four values <see cref="InterpolationConfig.EndOffset"/> beside the ends, in order.</summary>
    public static double[] Alphas(InterpolationConfig config)
    {
        if (config.AlphaPoints < 2) throw new UsageException($"AlphaPoints must be at least 2; got {config.AlphaPoints}.");
        var grid = Enumerable.Range(0, config.AlphaPoints)
            .Select(i => config.AlphaStart + (config.AlphaEnd - config.AlphaStart) * i / (config.AlphaPoints - 1))
            .ToList();
        double d = config.EndOffset;
        foreach (double alpha in new[] { -d, d, 1 - d, 1 + d })
            if (!grid.Any(a => Math.Abs(a - alpha) < 1e-9))
                grid.Add(alpha);
        return [.. grid.Order()];
    }

    /// <summary>
    /// Li et al. (2018)'s filter normalisation of a direction in parameter space, for the flat
    /// parameter vectors of one net whose parameters have <paramref name="shapes"/> (in order): each
    /// row of a weight (one neuron's incoming weights, or one filter) of <paramref name="direction"/>
    /// is rescaled to the norm of the same row of <paramref name="reference"/>, so that a step along
    /// it moves every neuron in proportion to its own weights and rescaling a layer's weights cannot
    /// make a minimum look sharper or flatter. One-dimensional parameters (biases) get no direction
    /// (zero), as in Li et al.'s code; a row of zeros stays zero.
    /// </summary>
    public static float[] FilterNormalise(float[] direction, float[] reference, IReadOnlyList<long[]> shapes)
    {
        long total = shapes.Sum(shape => shape.Aggregate(1L, (a, b) => a * b));
        if (direction.Length != total || reference.Length != total)
            throw new ArgumentException($"The parameter shapes hold {total} values, but the direction has {direction.Length} and the reference {reference.Length}: pass vectors of the net whose shapes these are.");
        static double Norm(float[] v, int start, int length)
        {
            double sum = 0;
            for (int k = start; k < start + length; k++) sum += (double)v[k] * v[k];
            return Math.Sqrt(sum);
        }
        var result = new float[direction.Length];
        int offset = 0;
        foreach (var shape in shapes)
        {
            int size = (int)shape.Aggregate(1L, (a, b) => a * b);
            if (shape.Length >= 2)
            {
                int rowLength = size / (int)shape[0];
                for (int start = offset; start < offset + size; start += rowLength)
                {
                    double length = Norm(direction, start, rowLength);
                    double scale = length == 0 ? 0 : Norm(reference, start, rowLength) / length;
                    for (int k = start; k < start + rowLength; k++) result[k] = (float)(direction[k] * scale);
                }
            }
            offset += size;
        }
        return result;
    }

    public static InterpolationResult Run(InterpolationConfig config, RunContext context)
    {
        var mnist = context.Mnist();
        double[] alphas = Alphas(config);
        var nets = config.Pairs.SelectMany(p => new[] { p.First, p.Second }).Distinct().ToList();
        var trainings = (from seed in config.Seeds from init in config.Initialisations from net in nets select (seed, init, net)).ToList();
        var lines = (from seed in config.Seeds from init in config.Initialisations from pair in config.Pairs select (seed, init, pair)).ToList();

        // One stack per net (batch size and learning rate) of every seed and initialisation; the
        // smallest batches, with the most steps, first, so that they do not start last.
        var stackNets = nets.OrderBy(n => n.BatchSize).ToList();
        var members = (from seed in config.Seeds from init in config.Initialisations select (seed, init)).ToList();
        IReadOnlyList<Solution[]> stacks;
        using (var progress = context.Observer.Start($"1-3 interpolation: {trainings.Count} trainings x {config.Epochs} epochs", trainings.Sum(t => t.net.EpochsFor(config.Epochs, config.TrainCount))))
            stacks = context.Map(stackNets, net => Train(config, mnist, members, net, progress, context.Meter));
        Solution SolutionOf(int seed, Initialisation init, InterpolationNet net) => stacks[stackNets.IndexOf(net)][members.IndexOf((seed, init))];

        using var evaluation = context.Observer.Start($"1-3 interpolation: {lines.Count} lines x {alphas.Length} values of α", lines.Count * alphas.Length);
        var curves = context.Map(lines, line =>
            Line(config, mnist, line.seed, line.init, line.pair, SolutionOf(line.seed, line.init, line.pair.First), SolutionOf(line.seed, line.init, line.pair.Second), alphas, evaluation));
        return new InterpolationResult(config, Mlp.CountParameters(config.Widths), curves.ToArray());
    }

    /// <summary>Part of every seed this experiment derives (<see cref="Seeds.Derive"/>): changing it changes every result. Not <see cref="Name"/>, so that a rename cannot.</summary>
    public const string SeedKey = "interpolation";

    /// <summary>The seed's training set (the same subset for every net of the seed) and the test set.</summary>
    private static (TensorSet Train, TensorSet Test) Data(InterpolationConfig config, MnistData mnist, int seed)
    {
        using var generator = new Generator(Seeds.Derive(seed, SeedKey, "train-subset"));
        var train = mnist.Train.Subset(config.TrainSamples, generator);
        var test = mnist.Test.First(config.TestSamples);
        return (train, test);
    }

    /// <summary>A trained net's parameters (kept in memory only) and its last epoch's mean training loss.</summary>
    private sealed record Solution(float[] Theta, double FinalEpochLoss);

    /// <summary>
    /// One net (batch size and learning rate) trained for every (seed, initialisation) of
    /// <paramref name="members"/> as one stack; the solutions in member order.
    /// </summary>
    /// <remarks>
    /// Member i is the training a single net would do: initial weights from its own generator
    /// (shared by every net of its seed under <see cref="Initialisation.Shared"/>), shuffles from
    /// another, both derived as before stacking, on its seed's training subset (one copy per seed).
    /// One learning rate per stack, since one Adam updates it. Measured here, a stack of ten of
    /// these 784-64-10 nets at batch 64 costs 0.43-0.65 ms per member and step against 0.63-1.08 ms alone.
    /// </remarks>
    private static Solution[] Train(InterpolationConfig config, MnistData mnist, IReadOnlyList<(int Seed, Initialisation Init)> members, InterpolationNet net, IProgressTask progress, ITrainingMeter? meter)
    {
        using var scope = NewDisposeScope();
        var trainOf = members.Select(m => m.Seed).Distinct().ToDictionary(seed => seed, seed => Data(config, mnist, seed).Train);
        // Shared: every net of the seed draws its initial weights from the same generator state.
        using var initGenerators = new Generators(members.Select(m =>
            Seeds.Derive(m.Seed, SeedKey, "init", m.Init == Initialisation.Shared ? "shared" : net.Name)));
        using var generators = new Generators(members.Select(m => Seeds.Derive(m.Seed, SeedKey, "shuffle", m.Init.ToString(), net.Name)));
        using var model = new StackedMlp(config.Widths, members.Count, config.Activation).InitializeMembers(initGenerators.All);
        long steps = 0;
        using var stop = config.TrainToLoss is { } target ? new TargetLossStop(model, target, () => steps) : null;
        var histories = new StackedTrainer(new TrainingOptions
        {
            Epochs = net.EpochsFor(config.Epochs, config.TrainCount),
            MaxSteps = net.Steps,
            BatchSize = net.BatchSize,
            LearningRate = net.LearningRate,
            Loss = LossKind.CrossEntropy,
            EvaluateTrain = stop is not null,
        })
        {
            Progress = progress,
            Meter = meter,
            RunNames = [.. members.Select(m => $"interpolation net ({net.Name}, {m.Init} initialisation), seed {m.Seed}")],
            AfterBackward = stop is null ? null : _ => steps++,
            AfterEpoch = stop is null ? null : stop.AfterEpoch,
            StopAfterEpoch = stop is null ? null : stop.AllReached,
        }.Fit(model, [.. members.Select(m => trainOf[m.Seed])], test: null, generators.All);
        stop?.Restore();
        return [.. members.Select((_, i) =>
        {
            using var theta = MemberVector(model, i);
            return new Solution(theta.data<float>().ToArray(), stop?.LossOf(i, histories[i][^1].Loss) ?? histories[i][^1].Loss);
        })];
    }

    /// <summary>Member <paramref name="member"/>'s parameters as one flat vector in the single net's order (<c>ParametersToVector</c>).</summary>
    private static Tensor MemberVector(StackedModule model, int member)
    {
        using var scope = NewDisposeScope();
        return cat(model.MemberParameters(member).Select(p => p.detach().flatten()).ToList(), 0).MoveToOuterDisposeScope();
    }

    private static InterpolationCurve Line(
        InterpolationConfig config, MnistData mnist, int seed, Initialisation init, InterpolationPair pair,
        Solution first, Solution second, double[] alphas, IProgressTask progress)
    {
        using var scope = NewDisposeScope();
        var (train, test) = Data(config, mnist, seed);
        var theta1 = tensor(first.Theta);
        var theta2 = tensor(second.Theta);
        double distance = (theta2 - theta1).norm().ToDouble();
        var points = new List<InterpolationPoint>(alphas.Length);
        using (var onTrain = new MlpLine(config.Widths, config.Activation, theta1, theta2, train))
        using (var onTest = new MlpLine(config.Widths, config.Activation, theta1, theta2, test))
            foreach (double alpha in alphas)
            {
                points.Add(new InterpolationPoint(alpha, onTrain.At(alpha), onTest.At(alpha)));
                progress.Advance();
            }
        var curve = new InterpolationCurve(pair.Name, init, seed, distance, [first.FinalEpochLoss, second.FinalEpochLoss], points.ToArray());
        if (config.FilterNormalisedStep is not { } step) return curve;

        // Beyond each end, away from the other, by the step along the direction filter-normalised to
        // that end; the end itself is evaluated the same way, so that the rise is one evaluator's.
        using var model = new Mlp(config.Widths, config.Activation);
        var evaluator = new Trainer(new TrainingOptions { Epochs = 1, Loss = LossKind.CrossEntropy });
        var shapes = model.parameters().Select(p => p.shape).ToList();
        double RiseBeyond(Solution end, Solution other)
        {
            using var scope = NewDisposeScope();
            model.LoadVector(tensor(end.Theta));
            double endLoss = evaluator.Evaluate(model, train).Loss;
            float[] away = [.. end.Theta.Select((v, k) => v - other.Theta[k])];
            var beyond = tensor(end.Theta).Plus(tensor(FilterNormalise(away, end.Theta, shapes)).Times(step));
            model.LoadVector(beyond);
            return evaluator.Evaluate(model, train).Loss - endLoss;
        }
        return curve with
        {
            Norms = [theta1.norm().ToDouble(), theta2.norm().ToDouble()],
            FilterNormalisedRise = [RiseBeyond(first, second), RiseBeyond(second, first)],
        };
    }
}
