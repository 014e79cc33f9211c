using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Runs;

/// <summary>The functions of report part 1-1.</summary>
public enum TargetFunction
{
    /// <summary>f1(x) = sin(5πx)/(5πx), with f1(0) = 1.</summary>
    Sinc,

    /// <summary>f2(x) = sign(sin(5πx)).</summary>
    Sign,
}

/// <summary>
/// Where the sign-error claims of part 1-1 score the trained nets, when not on the training grid
/// (the preset): the report speaks of "unknown input" but never says which.
/// </summary>
public enum ScoringPoints
{
    /// <summary>
    /// Held-out points midway between the training grid's, x = start + (end − start)·(i − ½)/points
    /// for i = 1..points; the edges are the same bands of the domain as on the training grid.
    /// </summary>
    OffsetGrid,

    /// <summary>
    /// The training grid continued past both ends of the domain by <see cref="FunctionFittingConfig.EdgeBand"/>
    /// of its length: those points beyond the domain are the edges, the grid points outside the
    /// domain's own edge bands the middle (the points inside those bands are not scored).
    /// </summary>
    ExtrapolationBand,
}

/// <summary>A named fully connected net by its layer widths, input first.</summary>
public sealed record NetSpec(string Name, int[] Widths);

/// <summary>
/// Report 1-1, "Simulate a function": three fully connected nets of (almost) equal size,
/// deep, middle and shallow, each fitted to sin(5πx)/(5πx) and to sign(sin(5πx)) with Adam
/// and MSE on a dense grid, full batch.
/// </summary>
public sealed record FunctionFittingConfig : IExperimentConfig
{
    /// <summary>Functions to fit.</summary>
    public TargetFunction[] Functions { get; init; } = [TargetFunction.Sinc, TargetFunction.Sign];

    /// <summary>
    /// The nets: 7 hidden layers (571 parameters), 4 (572) and 1 (571). The report says
    /// 571, 572 and 572; no one-hidden-layer 1-h-1 net has 572 parameters (3h+1), so the
    /// shallow one has 571.
    /// </summary>
    public NetSpec[] Nets { get; init; } =
    [
        new("deep", [1, 5, 10, 10, 10, 10, 10, 5, 1]),
        new("middle", [1, 10, 18, 15, 4, 1]),
        new("shallow", [1, 190, 1]),
    ];

    /// <summary>
    /// Nonlinearity between layers. Leaky ReLU (slope 0.01): with plain ReLU the 4- and 5-unit
    /// layers of the deep and middle nets often die and the net stops learning (measured: on
    /// sign(sin(5πx)) after 3,000 epochs, 6 of 8 deep and middle ReLU fits stayed at MSE
    /// 0.53-0.96, a constant output's level), which measures dead units rather than depth.
    /// </summary>
    public Activation Activation { get; init; } = Activation.LeakyRelu;

    /// <summary>The grid is x_i = start + (end − start)·i/points for i = 1..points, so it covers (start, end].</summary>
    public double DomainStart { get; init; } = 0.0;

    public double DomainEnd { get; init; } = 1.0;

    /// <summary>Grid points, used both to train (full batch) and to draw the predictions.</summary>
    public int Points { get; init; } = 1000;

    /// <summary>Passes over the grid; full batch in the preset, so "epochs" and "iterations" are the same there.</summary>
    public int Epochs { get; init; } = 20_000;

    /// <summary>
    /// Null (the preset): full batch, one Adam step per epoch on the whole grid in order. Else
    /// batches of this many grid points, reshuffled every epoch (the robustness variant
    /// <c>mini-batch-128</c>): as many epochs, more steps. Not written when null.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? BatchSize { get; init; }

    /// <summary>Adam's learning rate, the report's 0.001.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Fraction of the domain at each end that counts as "the edge" for sign errors.</summary>
    public double EdgeBand { get; init; } = 0.1;

    /// <summary>
    /// Null (the preset): the sign-error claims score the predictions on the training grid. Else
    /// on the points this names (<see cref="FunctionFitting.ScoringGrid"/>; the robustness variants
    /// <c>held-out-offset-grid</c> and <c>extrapolation-band</c>). Not written when null.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ScoringPoints? ScoreOn { get; init; }

    /// <summary>Seeds; each (seed, function, net) trains from its own derived generator.</summary>
    public int[] Seeds { get; init; } = [0, 1, 2, 3, 4];

    /// <summary>The report's scale: 20,000 epochs (the homework's slides), well past the report's 2,500.</summary>
    public static FunctionFittingConfig Full { get; } = new();

    /// <summary>CI scale: fewer epochs, same nets, grid and seeds.</summary>
    public static FunctionFittingConfig Quick { get; } = new() { Epochs = 3_000 };

    public static FunctionFittingConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>The choices of part 1-1 the report leaves unstated, each changed on its own (the robustness table).</summary>
    public static IReadOnlyList<Variant<FunctionFittingConfig>> Variants { get; } =
    [
        new("edge-band-5", "Which points are \"the x-extreme axis's ends\": the outer 5% of the domain at each end instead of 10%.", c => c with { EdgeBand = 0.05 }),
        new("edge-band-20", "Which points are \"the x-extreme axis's ends\": the outer 20% of the domain at each end instead of 10%.", c => c with { EdgeBand = 0.2 }),
        new("domain-minus-1-to-1", "The report never gives the domain of x: (−1, 1] instead of (0, 1], so both ends lie mid-oscillation and sign(sin(5πx)) has ten half-periods.", c => c with { DomainStart = -1, DomainEnd = 1 }),
        new("domain-0-to-2", "The report never gives the domain of x: (0, 2] instead of (0, 1], ten half-periods of sign(sin(5πx)) on a coarser grid.", c => c with { DomainStart = 0, DomainEnd = 2 }),
        new("four-times-the-epochs", "When has a net \"converged\"? Four times as many full-batch steps, so that a net stuck at the preset's end (the shallow sign net) gets the chance to reach what its size allows.", c => c with { Epochs = 4 * c.Epochs }),
        new("trained-to-capacity", "Does deeper fit the edges better once every net is trained as far as it goes? Adam at 0.01 for four times the steps, to give the shallow sign net (stuck near MSE 0.54 in the preset) every chance to fit.", c => c with { LearningRate = 1e-2, Epochs = 4 * c.Epochs }),
        new("learning-rate-0.01", "\"The average learning rate was 0.001\" leaves the schedule open: a constant 0.01, ten times larger.", c => c with { LearningRate = 1e-2 }),
        new("mini-batch-128", "Full batch or mini-batches? Batches of 128 grid points reshuffled every epoch, as many epochs as the preset (so eight times the steps).", c => c with { BatchSize = 128 }),
        new("held-out-offset-grid", "\"Unknown input\": the edge and middle sign errors scored on held-out points midway between the training grid's instead of on the training grid.", c => c with { ScoreOn = ScoringPoints.OffsetGrid }),
        new("extrapolation-band", "Are \"the x-extreme axis's ends\" beyond the training domain? The edges scored on the grid continued 10% of the domain past each end, the middle on the grid inside.", c => c with { ScoreOn = ScoringPoints.ExtrapolationBand }),
    ];

    /// <summary>Adam steps per epoch: one at full batch, else one per batch of <see cref="BatchSize"/> (a last partial batch is a step).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int StepsPerEpoch => BatchSize is { } batch ? (Points + batch - 1) / batch : 1;

    /// <summary>
    /// Adam steps: <see cref="StepsPerEpoch"/> per function, net, seed and epoch, about 0.44 ms for
    /// 1,000 points on 2 cores (fitted to the measured 4.4 min at full, 23 s at quick, full batch;
    /// the small nets are overhead-bound, so a mini-batch step is counted as a full one). For
    /// balancing shards only.
    /// </summary>
    public double EstimatedSeconds() => Seeds.Length * Functions.Length * Nets.Length * (double)Epochs * StepsPerEpoch * Points * 4.4e-7;

    /// <summary>
    /// The rules this config keeps before anything trains (checked for presets and for every
    /// <c>--set</c>): the field, the bad value and what is allowed, one line each.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var rules = new ConfigRules()
            .Defined(nameof(Functions), Functions)
            .Distinct(nameof(Nets), Nets, n => n.Name, "named net");
        for (int i = 0; i < Nets.Length; i++)
            rules.Text(ConfigRules.Key(nameof(Nets), i, nameof(NetSpec.Name)), Nets[i].Name)
                .Widths(ConfigRules.Key(nameof(Nets), i, nameof(NetSpec.Widths)), Nets[i].Widths, input: 1, output: 1);
        return rules
            .Defined(nameof(Activation), Activation)
            .Finite(nameof(DomainStart), DomainStart)
            .That(double.IsFinite(DomainEnd) && DomainEnd > DomainStart, nameof(DomainEnd), DomainEnd, $"a finite number above domainStart ({Json.Compact(DomainStart)})")
            .Count(nameof(Points), Points, 1, 1_000_000)
            .Count(nameof(Epochs), Epochs)
            .Count(nameof(BatchSize), BatchSize, 1, Points, "full batch")
            .LearningRate(nameof(LearningRate), LearningRate)
            .Between(nameof(EdgeBand), EdgeBand, 0, 0.5)
            .Defined(nameof(ScoreOn), ScoreOn, "the training grid")
            .Seeds(nameof(Seeds), Seeds)
            .Problems;
    }
}

/// <summary>One net fitted to one function from one seed.</summary>
/// <param name="Loss">Mean training loss of every epoch (full batch: the MSE before that epoch's update).</param>
/// <param name="Prediction">The trained net's output at every grid point.</param>
/// <param name="ScoredPrediction">
/// The trained net's output at every point of <see cref="FunctionFittingResult.ScoredX"/>; null (and
/// not written) when the claims score on the grid.
/// </param>
public sealed record FunctionFit(
    TargetFunction Function, string Net, int Seed, long Parameters, int HiddenLayers, float[] Loss, float[] Prediction,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] float[]? ScoredPrediction = null)
{
    /// <summary>The output at the points the claims score: <see cref="ScoredPrediction"/>, else the grid's.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public float[] ScoringPrediction => ScoredPrediction ?? Prediction;
}

/// <param name="X">The grid.</param>
/// <param name="ScoredX">
/// The points the sign-error claims score when <see cref="FunctionFittingConfig.ScoreOn"/> is set
/// (<see cref="FunctionFitting.ScoringGrid"/>); null (and not written) when they score on the grid.
/// </param>
public sealed record FunctionFittingResult(
    FunctionFittingConfig Config, double[] X, FunctionFit[] Fits,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double[]? ScoredX = null)
    : IExperimentResult<FunctionFittingConfig>
{
    public FunctionFit Fit(TargetFunction function, string net, int seed) =>
        Fits.Single(f => f.Function == function && f.Net == net && f.Seed == seed);

    public double[] Target(TargetFunction function) => X.Select(x => FunctionFitting.Evaluate(function, x)).ToArray();

    /// <summary>The points the sign-error claims score: <see cref="ScoredX"/>, else the grid.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double[] ScoringX => ScoredX ?? X;
}

/// <summary>The <c>function-fitting</c> experiment: fits the three nets of <see cref="FunctionFittingConfig"/> to both functions.</summary>
public static class FunctionFitting
{
    /// <summary>The experiment's name on the command line, in test traits and under <c>artifacts/runs/</c>.</summary>
    public const string Name = "function-fitting";

    public static Experiment<FunctionFittingConfig, FunctionFittingResult> Experiment { get; } = new(Name, "1-1", "Deep vs shallow: three ~571-parameter nets fit sin(5πx)/(5πx) and sign(sin(5πx))", FunctionFittingConfig.For, Run)
    {
        Variants = FunctionFittingConfig.Variants,
    };

    public static double Evaluate(TargetFunction function, double x)
    {
        double s = Math.Sin(5 * Math.PI * x);
        return function switch
        {
            TargetFunction.Sinc => x == 0 ? 1.0 : s / (5 * Math.PI * x),
            // sin(5πx) at the zeros x = k/5 comes out as ±1e-16 in floating point: call it 0.
            TargetFunction.Sign => Math.Abs(s) < 1e-9 ? 0.0 : Math.Sign(s),
            _ => throw new ArgumentOutOfRangeException(nameof(function), function, null),
        };
    }

    public static double[] Grid(FunctionFittingConfig config) => Grid(config.DomainStart, config.DomainEnd, config.Points);

    /// <summary>x_i = start + (end − start)·i/points for i = 1..points: a dense grid on (start, end].</summary>
    public static double[] Grid(double start, double end, int points) =>
        Enumerable.Range(1, points).Select(i => start + (end - start) * i / points).ToArray();

    /// <summary>
    /// The points the sign-error claims score (<see cref="FunctionFittingConfig.ScoreOn"/>): the grid;
    /// the held-out points midway between its points; or, with m = round(edge band × points), the
    /// grid's own formula x_i for i = 1 − m..0 and points + 1..points + m (beyond the domain) and
    /// m + 1..points − m (inside it, outside its edge bands).
    /// </summary>
    public static double[] ScoringGrid(FunctionFittingConfig config)
    {
        double start = config.DomainStart, range = config.DomainEnd - config.DomainStart;
        int n = config.Points, m = (int)Math.Round(config.EdgeBand * n);
        double At(double i) => start + range * i / n;
        return config.ScoreOn switch
        {
            null => Grid(config),
            ScoringPoints.OffsetGrid => [.. Enumerable.Range(1, n).Select(i => At(i - 0.5))],
            ScoringPoints.ExtrapolationBand => [.. Enumerable.Range(1 - m, n + 2 * m).Where(i => i <= 0 || i > n || (i > m && i <= n - m)).Select(i => At(i))],
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.ScoreOn, "Unknown scoring points."),
        };
    }

    /// <summary>
    /// Which of the scored points <paramref name="x"/> are "the edges": beyond the domain when the
    /// claims score an extrapolation band, else within <see cref="FunctionFittingConfig.EdgeBand"/>
    /// of the domain's length from either end.
    /// </summary>
    public static bool[] EdgeMask(FunctionFittingConfig config, double[] x)
    {
        double start = config.DomainStart, end = config.DomainEnd, band = config.EdgeBand * (end - start);
        return config.ScoreOn == ScoringPoints.ExtrapolationBand
            ? [.. x.Select(v => v <= start || v > end)]
            : [.. x.Select(v => v <= start + band || v > end - band)];
    }

    /// <summary>Inputs (N,1) and targets (N,1) of <paramref name="function"/> on <paramref name="x"/>.</summary>
    public static TensorSet Tensors(TargetFunction function, double[] x, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var inputs = Inputs(x, dtype);
        var targets = tensor(x.Select(v => Evaluate(function, v)).ToArray(), [x.Length, 1], float64).to(dtype);
        return new TensorSet(inputs.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }

    /// <summary>Inputs (N,1) at <paramref name="x"/>, computed in float64 and rounded to <paramref name="dtype"/> once.</summary>
    public static Tensor Inputs(double[] x, ScalarType dtype = ScalarType.Float32)
    {
        var exact = tensor(x, [x.Length, 1], float64);
        if (dtype == ScalarType.Float64) return exact;
        using (exact) return exact.to(dtype);
    }

    /// <summary>
    /// Trains every (seed, function) pair of one narrow net shape as one stack (<see cref="StackedMlp"/>),
    /// and each pair of a wide one alone (<see cref="StackedUpToWidth"/>), side by side
    /// (<see cref="RunContext.Map"/>), and returns the fits in the order of the config's seeds,
    /// functions and nets.
    /// </summary>
    /// <remarks>
    /// Each member is the training a single net would do: its own generator
    /// (<see cref="Seeds.Derive"/> of seed, function and net, as before stacking), initialisation
    /// and Adam state, on the grid every member shares. A training alone is a stack of one, which
    /// is bit-identical to the single net.
    /// </remarks>
    public static FunctionFittingResult Run(FunctionFittingConfig config, RunContext context)
    {
        double[] x = Grid(config);
        double[]? scoring = config.ScoreOn is null ? null : ScoringGrid(config);
        var members = (from seed in config.Seeds from function in config.Functions select (seed, function)).ToList();
        int trainings = members.Count * config.Nets.Length;
        using var progress = context.Observer.Start($"1-1 fit functions: {trainings} trainings x {config.Epochs:N0} epochs", (double)trainings * config.Epochs);
        // In the config's order of nets: the preset's two stacks, the longest pieces, come first, and the
        // shallow net's trainings alone then fill the other core.
        var jobs = (from net in config.Nets
                    from pairs in IsStacked(net) ? [members] : members.Select(m => (IReadOnlyList<(int Seed, TargetFunction Function)>)[m])
                    select (net, pairs)).ToList();
        var trained = context.Map(jobs, job => FitStack(config, x, scoring, job.net, job.pairs, progress, context.Meter));
        var byKey = trained.SelectMany(stack => stack).ToDictionary(fit => (fit.Net, fit.Seed, fit.Function));
        var fits = from seed in config.Seeds
                   from function in config.Functions
                   from net in config.Nets
                   select byKey[(net.Name, seed, function)];
        return new FunctionFittingResult(config, x, fits.ToArray(), scoring);
    }

    /// <summary>
    /// The widest hidden layer of a net trained as a stack of its (seed, function) pairs; wider nets
    /// train each pair alone. Measured on an AMD EPYC (Zen 4; thread CPU time, full batch of 1,000,
    /// <c>tests/Benchmarks -- steps</c>): a stack of ten of the deep (widest layer 10) and middle
    /// (18) nets costs about 0.3x of ten trainings alone per member (features first,
    /// <see cref="StackedMlp.FeatureMajor"/>), but the shallow net's 190 units make every layer's
    /// activations (10, 1,000, 190) ten times one net's, beyond the core's L2 cache, and its stack of ten took
    /// 12-14 ms a step against 0.37-0.54 ms alone (a stack of two 1.8-2.3 ms).
    /// </summary>
    public const int StackedUpToWidth = 64;

    /// <summary>Whether <paramref name="net"/>'s pairs train as one stack (<see cref="StackedUpToWidth"/>).</summary>
    public static bool IsStacked(NetSpec net) => net.Widths[1..^1].All(w => w <= StackedUpToWidth);

    /// <summary>Part of every seed this experiment derives (<see cref="Seeds.Derive"/>): changing it changes every result. Not <see cref="Name"/>, so that a rename cannot.</summary>
    public const string SeedKey = "function-fitting";

    /// <summary>
    /// One net shape fitted to every (seed, function) of <paramref name="members"/>, as one stack; the fits in member order,
    /// each with its predictions on the grid <paramref name="x"/> and, when the config scores elsewhere, on <paramref name="scoring"/>.
    /// </summary>
    private static FunctionFit[] FitStack(
        FunctionFittingConfig config, double[] x, double[]? scoring, NetSpec net, IReadOnlyList<(int Seed, TargetFunction Function)> members, IProgressTask progress, ITrainingMeter? meter)
    {
        using var scope = NewDisposeScope();
        using var generators = new Generators(members.Select(m => Seeds.Derive(m.Seed, SeedKey, m.Function.ToString(), net.Name)));
        using var model = new StackedMlp(net.Widths, members.Count, config.Activation, net.Name).InitializeMembers(generators.All);
        // One grid for every member (broadcast, not copied), each function's targets once.
        var data = new Dictionary<TargetFunction, TensorSet>();
        Tensor? grid = null;
        foreach (var function in members.Select(m => m.Function).Distinct())
        {
            var set = Tensors(function, x);
            grid ??= set.Inputs;
            data[function] = set with { Inputs = grid };
        }
        var train = members.Select(m => data[m.Function]).ToList();

        var trainer = new StackedTrainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.MeanSquaredError,
            Shuffle = config.BatchSize is not null,
        })
        {
            Progress = progress,
            Meter = meter,
            RunNames = [.. members.Select(m => $"{net.Name} net on {m.Function}, seed {m.Seed}")],
        };
        var histories = trainer.Fit(model, train, test: null, generators.All);

        float[][] predictions = Predict(model, train[0].Inputs);
        float[][]? scored = null;
        if (scoring is not null)
        {
            using var points = Inputs(scoring);
            scored = Predict(model, points);
        }
        return [.. members.Select((m, i) => new FunctionFit(m.Function, net.Name, m.Seed, model.ParametersPerMember, net.Widths.Length - 2,
            histories[i].Select(h => (float)h.Loss).ToArray(), predictions[i], scored?[i]))];
    }

    /// <summary>Every member's output at <paramref name="inputs"/> (N,1), in eval mode without gradients, in member order.</summary>
    private static float[][] Predict(StackedModule model, Tensor inputs)
    {
        model.eval();
        using var noGrad = no_grad();
        using var input = model.Broadcast(inputs);
        using var output = model.forward(input); // (M, N, 1)
        return [.. Enumerable.Range(0, model.Members).Select(i =>
        {
            using var row = output[i];
            return row.data<float>().ToArray();
        })];
    }
}
