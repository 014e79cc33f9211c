using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static Homework.Tests.Unit.Runs.Stacking.ResultComparison;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Runs.Stacking;

/// <summary>
/// Issue 15 at the experiment level for <c>sensitivity</c>, whose nets are stacked per batch size
/// over the seeds, each member's sensitivities measured on it as a single net.
/// </summary>
public sealed class SensitivityStackingTests : StackingTests
{
    private static readonly SensitivityConfig Tiny = SensitivityConfig.Quick with
    {
        BatchSizes = [5, 20], Epochs = 1, TrainSamples = 100, TestSamples = null, SensitivitySamples = 40,
    };

    [Fact]
    public void A_stack_of_one_is_bit_identical_to_the_single_net_training()
    {
        var config = Tiny with { Seeds = [3] };
        Saved(Sensitivity.Run(config, Context)).Should().Be(Saved(Unstacked(config)));
    }

    [Fact]
    public void A_stack_of_every_seed_matches_the_separate_trainings()
    {
        var config = Tiny with { Seeds = [0, 1, 2] };
        var stacked = Sensitivity.Run(config, Context);
        var separate = Unstacked(config);
        Differences(stacked, separate, relative: 1e-4, absolute: 1e-6).Should().BeEmpty();
        Saved(stacked).Should().NotBe(Saved(separate), "a batched product rounds differently");
    }

    [Fact]
    public void With_a_target_loss_each_net_is_its_equal_epochs_training_stopped_at_the_first_epoch_that_reaches_it()
    {
        var equal = Tiny with { Seeds = [0, 1, 2], BatchSizes = [20], Epochs = 3 }; // 100 images: 5 steps an epoch
        // A target that at least two of the three seeds reach within the three epochs.
        double target = Sensitivity.Run(equal, Context).Runs.Select(r => r.Train.Loss).Order().ElementAt(1);
        var config = equal with { Epochs = 6, TrainToLoss = target };
        var result = Sensitivity.Run(config, Context);
        result.Runs.Count(r => r.ReachedTarget == true).Should().BeGreaterThanOrEqualTo(2);
        foreach (var run in result.Runs)
        {
            if (run.ReachedTarget == true) run.Train.Loss.Should().BeLessThanOrEqualTo(target);
            run.Steps.Should().Be(run.ReachedTarget == true ? run.Steps : 6 * 5).And.BeGreaterThan(0);
            var stopped = Sensitivity.Run(equal with { Epochs = (int)(run.Steps / 5) }, Context).Run(20, run.Seed);
            run.Should().Be(stopped with { ReachedTarget = run.ReachedTarget }, $"seed {run.Seed} stopped after {run.Steps} steps");
        }
        Sensitivity.Run(config with { TrainToLoss = 1e-9 }, Context).Runs.Should().OnlyContain(r => r.ReachedTarget == false && r.Steps == 6 * 5);
        Sensitivity.Run(equal, Context).Runs.Should().OnlyContain(r => r.ReachedTarget == null, "the preset sets no target");
    }

    /// <summary>The experiment as it trained before stacking (8c5eed5): one <see cref="Mlp"/> per (batch size, seed).</summary>
    private static SensitivityResult Unstacked(SensitivityConfig config)
    {
        var runs = from batch in config.BatchSizes from seed in config.Seeds select Train(config, Data, batch, seed);
        return new SensitivityResult(config, Mlp.CountParameters(config.Widths),
            runs.OrderBy(r => r.Seed).ThenBy(r => Array.IndexOf(config.BatchSizes, r.BatchSize)).ToArray());
    }

    private static SensitivityRun Train(SensitivityConfig config, MnistData mnist, int batchSize, int seed)
    {
        using var scope = NewDisposeScope();
        using var subsetGenerator = new Generator(Seeds.Derive(seed, Sensitivity.SeedKey, "train-subset"));
        var train = mnist.Train.Subset(config.TrainSamples, subsetGenerator);
        var test = mnist.Test.First(config.TestSamples);
        var probe = mnist.Test.First(config.SensitivitySamples);
        using var initGenerator = new Generator(Seeds.Derive(seed, Sensitivity.SeedKey, "init"));
        using var model = new Mlp(config.Widths, config.Activation).InitializeWith(initGenerator);
        using var generator = new Generator(Seeds.Derive(seed, Sensitivity.SeedKey, "shuffle", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        long steps = 0;
        var trainer = new Trainer(new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = batchSize,
            LearningRate = config.LearningRate,
            Loss = LossKind.CrossEntropy,
        })
        {
            AfterBackward = _ => steps++,
        };
        var history = trainer.Fit(model, train, test: null, generator);
        return new SensitivityRun(batchSize, seed, steps, history[^1].Loss,
            trainer.Evaluate(model, train), trainer.Evaluate(model, test),
            Sensitivity.ReportMeasure(model, probe, batchSize), Sensitivity.LossGradientNorm(model, probe), Sensitivity.JacobianNorm(model, probe));
    }
}
