using Homework.Experiments.Analysis;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static Homework.Tests.Unit.Runs.Stacking.ResultComparison;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Runs.Stacking;

/// <summary>
/// Issue 15 at the experiment level for <c>minimal-ratio</c>, whose trainings of a seed are one
/// stack through both phases (the second minimises each member's squared gradient norm by a
/// double backward), each end point measured on the member as a single net.
/// </summary>
public sealed class MinimalRatioStackingTests : StackingTests
{
    private static readonly MinimalRatioConfig Tiny = MinimalRatioConfig.Quick with { LossEpochs = 40, GradientNormEpochs = 25, Points = 50 };

    [Fact]
    public void A_stack_of_one_is_bit_identical_to_the_single_net_training()
    {
        var config = Tiny with { Seeds = [1], RunsPerSeed = 1 };
        Saved(MinimalRatio.Run(config, new RunContext())).Should().Be(Saved(Unstacked(config)));
    }

    [Fact]
    public void A_stack_of_a_seeds_trainings_matches_the_separate_trainings()
    {
        var config = Tiny with { Seeds = [0, 1], RunsPerSeed = 4 };
        var stacked = MinimalRatio.Run(config, new RunContext());
        var separate = Unstacked(config);
        // Double precision: the batched products' rounding is ~1e-16, far below these tolerances.
        Differences(stacked, separate, relative: 1e-8, absolute: 1e-12).Should().BeEmpty();
    }

    /// <summary>The experiment as it trained before stacking (8c5eed5): one float64 <see cref="Mlp"/> per (seed, index).</summary>
    private static MinimalRatioResult Unstacked(MinimalRatioConfig config)
    {
        double[] x = FunctionFitting.Grid(0, 1, config.Points);
        var points = from seed in config.Seeds from index in Enumerable.Range(0, config.RunsPerSeed) select Find(config, x, seed, index);
        return new MinimalRatioResult(config, points.ToArray());
    }

    private static CriticalPoint Find(MinimalRatioConfig config, double[] x, int seed, int index)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, MinimalRatio.SeedKey, index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var model = new Mlp(config.Widths, config.Activation).InitializeWith(generator);
        model.to(float64);
        var data = FunctionFitting.Tensors(TargetFunction.Sinc, x, ScalarType.Float64);
        new Trainer(new TrainingOptions { Epochs = config.LossEpochs, LearningRate = config.LearningRate, Loss = LossKind.MeanSquaredError, Shuffle = false })
            .Fit(model, data, test: null, generator);
        var parameters = model.parameters().Cast<Tensor>().ToList();
        using (var optimizer = Optimizers.Adam(model.parameters(), config.LearningRate))
            for (int epoch = 1; epoch <= config.GradientNormEpochs; epoch++)
            {
                using var step = NewDisposeScope();
                optimizer.ZeroGrad();
                var loss = nn.functional.mse_loss(model.forward(data.Inputs), data.Targets);
                var objective = Hessian.FlatGradient(loss, parameters, createGraph: true).Squared().sum();
                objective.backward();
                optimizer.Step();
            }
        var final = nn.functional.mse_loss(model.forward(data.Inputs), data.Targets);
        double gradientNorm = Hessian.FlatGradient(final, parameters, createGraph: false).norm().item<double>();
        double[] eigenvalues = Hessian.Eigenvalues(Hessian.Of(final, parameters));
        double scale = eigenvalues.Max(Math.Abs);
        var resolved = eigenvalues.Where(e => Math.Abs(e) > MinimalRatio.ResolvedShare * scale).ToList();
        return new CriticalPoint(seed, index, final.item<double>(), gradientNorm,
            resolved.Count(e => e > 0) / (double)resolved.Count,
            1 - resolved.Count / (double)eigenvalues.Length,
            eigenvalues[0], eigenvalues[^1]);
    }
}
