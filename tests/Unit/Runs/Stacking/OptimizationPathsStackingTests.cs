using Homework.Experiments.Analysis;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static Homework.Tests.Unit.Runs.Stacking.ResultComparison;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Runs.Stacking;

/// <summary>Issue 15 at the experiment level for <c>optimization-paths</c>, whose series are one stack.</summary>
public sealed class OptimizationPathsStackingTests : StackingTests
{
    private static readonly OptimizationPathsConfig Tiny = OptimizationPathsConfig.Quick with { Epochs = 4, Points = 200, CollectEvery = 2 };

    [Fact]
    public void A_stack_of_one_is_bit_identical_to_the_single_net_training()
    {
        var config = Tiny with { Seeds = [5] };
        Saved(OptimizationPaths.Run(config, new RunContext())).Should().Be(Saved(Unstacked(config)));
    }

    [Fact]
    public void A_stack_of_every_series_matches_the_separate_trainings()
    {
        var config = Tiny with { Seeds = [0, 1, 2, 3] };
        var stacked = OptimizationPaths.Run(config, new RunContext());
        var separate = Unstacked(config);
        Differences(stacked, separate, relative: 1e-4, absolute: 1e-6).Should().BeEmpty();
        Saved(stacked).Should().NotBe(Saved(separate), "a batched product rounds differently");
    }

    /// <summary>The experiment as it trained before stacking (8c5eed5): one <see cref="Mlp"/> per series, then one PCA.</summary>
    private static OptimizationPathsResult Unstacked(OptimizationPathsConfig config)
    {
        double[] x = FunctionFitting.Grid(0, 1, config.Points);
        var series = config.Seeds.Select(seed => Collect(config, x, seed)).ToList();
        var all = series.SelectMany(s => s).ToList();
        var model = Pca.Fit(all.Select(s => s.Model).ToList());
        var layer = Pca.Fit(all.Select(s => s.Layer).ToList());
        var paths = new List<OptimizationPath>();
        int offset = 0;
        for (int i = 0; i < series.Count; i++)
        {
            int n = series[i].Length;
            paths.Add(new OptimizationPath(config.Seeds[i], series[i], model.Projections[offset..(offset + n)], layer.Projections[offset..(offset + n)]));
            offset += n;
        }
        return new OptimizationPathsResult(config, paths.ToArray(), model.ExplainedVariance, layer.ExplainedVariance);
    }

    private static WeightSnapshot[] Collect(OptimizationPathsConfig config, double[] x, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seeds.Derive(seed, OptimizationPaths.SeedKey));
        using var model = new Mlp(config.Widths, config.Activation).InitializeWith(generator);
        var data = FunctionFitting.Tensors(TargetFunction.Sinc, x);
        var layerParameters = model.named_parameters().Where(p => p.name.Split('.').Contains(config.Layer)).Select(p => p.parameter).ToList();
        WeightSnapshot Snapshot(int epoch, double loss) => new(epoch, loss, Flatten(model.parameters()), Flatten(layerParameters));
        var snapshots = new List<WeightSnapshot>();
        var trainer = new Trainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.MeanSquaredError,
            EvaluateTrain = true,
            EvaluateEvery = config.CollectEvery,
        })
        {
            AfterEpoch = m => { if (m.Train is { } train) snapshots.Add(Snapshot(m.Epoch, train.Loss)); },
        };
        snapshots.Add(Snapshot(0, trainer.Evaluate(model, data).Loss));
        trainer.Fit(model, data, test: null, generator);
        return snapshots.ToArray();
    }

    private static double[] Flatten(IEnumerable<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        return cat(parameters.Select(p => p.detach().flatten().to(float64)).ToList(), 0).data<double>().ToArray();
    }
}
