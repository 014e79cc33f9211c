using Homework.Experiments.Analysis;
using Homework.Experiments.Core;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Runs;

/// <summary>
/// The homework's part 1-2 "what happens when the gradient is almost zero", which the report
/// omits: train a small net on sin(5πx)/(5πx), then switch the objective to the squared
/// gradient norm and minimise it, so training ends near a critical point; there compute
/// the exact Hessian of the loss, its eigenvalues and the minimal ratio (the share of
/// positive eigenvalues). Everything runs in double precision so that eigenvalues near zero
/// are not float32 round-off.
/// </summary>
public sealed record MinimalRatioConfig : IExperimentConfig
{
    /// <summary>The 57-parameter net of part 1-2: a 57 x 57 Hessian.</summary>
    public int[] Widths { get; init; } = [1, 4, 8, 1];

    /// <summary>
    /// Tanh, unlike parts 1-1 and 1-2: the Hessian needs a twice-differentiable net. With
    /// (leaky) ReLU every unit's second derivative is zero almost everywhere and rescaling
    /// symmetries add exactly flat directions; measured here, 40-80% of the eigenvalues were
    /// within 1e-6 of zero, so the minimal ratio counted the signs of round-off.
    /// </summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Grid points on (0, 1].</summary>
    public int Points { get; init; } = 200;

    /// <summary>Full-batch Adam steps on the MSE before switching objective.</summary>
    public int LossEpochs { get; init; } = 2_000;

    /// <summary>Full-batch Adam steps on ‖∇L‖² afterwards.</summary>
    public int GradientNormEpochs { get; init; } = 2_000;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Trainings per seed; each seed's trainings give one rank correlation.</summary>
    public int RunsPerSeed { get; init; } = 100;

    public int[] Seeds { get; init; } = [0, 1, 2];

    /// <summary>The homework's 100 trainings, for each of three seeds.</summary>
    public static MinimalRatioConfig Full { get; } = new();

    /// <summary>
    /// CI scale: 20 trainings per seed with the full phases. Shorter phases end too far from
    /// a critical point (gradient norm about 0.01 instead of 0.001) to say anything about one.
    /// </summary>
    public static MinimalRatioConfig Quick { get; } = new() { RunsPerSeed = 20 };

    public static MinimalRatioConfig For(Profile profile) => profile == Profile.Full ? Full : Quick;

    /// <summary>Full-batch steps of the 57-parameter net, about 0.28 ms each (fitted to the measured 5.6 min at full, 65 s at quick). For balancing shards only.</summary>
    public double EstimatedSeconds() => Seeds.Length * (double)RunsPerSeed * (LossEpochs + GradientNormEpochs) * 2.8e-4;

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
            .Count(nameof(LossEpochs), LossEpochs)
            .Count(nameof(GradientNormEpochs), GradientNormEpochs, min: 0)
            .LearningRate(nameof(LearningRate), LearningRate)
            .Count(nameof(RunsPerSeed), RunsPerSeed)
            .Seeds(nameof(Seeds), Seeds)
            .Problems;
    }
}

/// <summary>One training's end point.</summary>
/// <param name="Loss">MSE at the end point.</param>
/// <param name="GradientNorm">‖∇L‖ at the end point: how close to critical it is.</param>
/// <param name="MinimalRatio">Share of the Hessian's eigenvalues that are positive.</param>
/// <param name="FlatShare">Share of eigenvalues within 1e-6 of the largest one in magnitude: flat directions whose sign is round-off.</param>
public sealed record CriticalPoint(
    int Seed, int Index, double Loss, double GradientNorm, double MinimalRatio, double FlatShare, double MinEigenvalue, double MaxEigenvalue);

public sealed record MinimalRatioResult(MinimalRatioConfig Config, CriticalPoint[] Points) : IExperimentResult<MinimalRatioConfig>
{
    public IEnumerable<CriticalPoint> OfSeed(int seed) => Points.Where(p => p.Seed == seed);
}

/// <summary>The <c>minimal-ratio</c> experiment: trains to near-critical points and measures the Hessian's minimal ratio there.</summary>
public static class MinimalRatio
{
    /// <summary>The experiment's name on the command line, in test traits and under <c>artifacts/runs/</c>.</summary>
    public const string Name = "minimal-ratio";

    public static Experiment<MinimalRatioConfig, MinimalRatioResult> Experiment { get; } = new(Name, "1-2", "Minimal ratio of the Hessian at near-critical points against the loss", MinimalRatioConfig.For, Run);

    public static MinimalRatioResult Run(MinimalRatioConfig config, RunContext context)
    {
        double[] x = FunctionFitting.Grid(0, 1, config.Points);
        var jobs = (from seed in config.Seeds from index in Enumerable.Range(0, config.RunsPerSeed) select (seed, index)).ToList();
        using var progress = context.Observer.Start($"1-2 minimal ratio: {jobs.Count} trainings to a critical point", jobs.Count);
        var points = context.Map(jobs, job =>
        {
            var point = Find(config, x, job.seed, job.index);
            progress.Advance();
            return point;
        });
        return new MinimalRatioResult(config, points.ToArray());
    }

    /// <summary>Part of every seed this experiment derives (<see cref="Seeds.Derive"/>): changing it changes every result. Not <see cref="Name"/>, so that a rename cannot.</summary>
    public const string SeedKey = "minimal-ratio";

    private static CriticalPoint Find(MinimalRatioConfig config, double[] x, int seed, int index)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, SeedKey, index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var model = new Mlp(config.Widths, config.Activation).InitializeWith(generator);
        model.to(float64);
        var data = FunctionFitting.Tensors(TargetFunction.Sinc, x, ScalarType.Float64);
        string name = $"minimal-ratio training {index}, seed {seed}";

        // Phase 1: the loss itself.
        new Trainer(new TrainingOptions { Epochs = config.LossEpochs, LearningRate = config.LearningRate, Loss = LossKind.MeanSquaredError, Shuffle = false })
            { RunName = name }.Fit(model, data, test: null, generator);

        // Phase 2: the squared gradient norm, minimised by Adam through a double backward.
        var parameters = model.parameters().Cast<Tensor>().ToList();
        using (var optimizer = Optimizers.Adam(model.parameters(), config.LearningRate))
            for (int epoch = 1; epoch <= config.GradientNormEpochs; epoch++)
            {
                using var step = NewDisposeScope();
                optimizer.ZeroGrad();
                var loss = nn.functional.mse_loss(model.forward(data.Inputs), data.Targets);
                var objective = Hessian.FlatGradient(loss, parameters, createGraph: true).Squared().sum();
                double value = objective.item<double>();
                if (!double.IsFinite(value)) throw new TrainingDivergedException(config.LossEpochs + epoch, value, name);
                objective.backward();
                optimizer.Step();
            }

        // At the end point: loss, gradient norm and the exact Hessian's spectrum.
        var final = nn.functional.mse_loss(model.forward(data.Inputs), data.Targets);
        double gradientNorm = Hessian.FlatGradient(final, parameters, createGraph: false).norm().item<double>();
        double[] eigenvalues = Hessian.Eigenvalues(Hessian.Of(final, parameters));
        double scale = eigenvalues.Max(Math.Abs);
        return new CriticalPoint(seed, index, final.item<double>(), gradientNorm,
            eigenvalues.Count(e => e > 0) / (double)eigenvalues.Length,
            eigenvalues.Count(e => Math.Abs(e) <= 1e-6 * scale) / (double)eigenvalues.Length,
            eigenvalues[0], eigenvalues[^1]);
    }
}
