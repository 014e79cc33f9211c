using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>The training loop on a tiny real problem: a 2-class problem of 64 points in 2-D.</summary>
public sealed class TrainerTests
{
    public TrainerTests() => TorchRuntime.UseThreads(1);

    private static TensorSet Problem(ulong seed)
    {
        using var g = new Generator(seed);
        var x = randn([64, 2], generator: g);
        var y = (x[.., 0] * x[.., 1] > 0).to(int64);
        return new TensorSet(x, y);
    }

    private static IReadOnlyList<EpochMetrics> Train(int seed, TrainingOptions options, Action<StepInfo>? hook = null)
    {
        var data = Problem(99);
        using var g = new Generator((ulong)seed);
        using var net = new Mlp([2, 16, 2], Activation.Tanh).InitializeWith(g);
        return new Trainer(options) { AfterBackward = hook }.Fit(net, data, data, g);
    }

    private static readonly TrainingOptions Options = new() { Epochs = 30, BatchSize = 8, LearningRate = 0.01, EvaluateTrain = true };

    [Fact]
    public void The_same_seed_gives_bit_identical_metrics()
    {
        Train(1, Options).Should().Equal(Train(1, Options));
    }

    [Fact]
    public void Another_seed_gives_other_metrics()
    {
        Train(1, Options).Select(m => m.Loss).Should().NotEqual(Train(2, Options).Select(m => m.Loss));
    }

    [Fact]
    public void Results_do_not_depend_on_the_process_wide_generator()
    {
        manual_seed(1);
        var first = Train(1, Options);
        manual_seed(12345);
        Train(1, Options).Should().Equal(first);
    }

    [Fact]
    public void Training_lowers_the_loss_and_reports_every_epoch()
    {
        var history = Train(1, Options);
        history.Select(m => m.Epoch).Should().Equal(Enumerable.Range(1, 30));
        history[^1].Loss.Should().BeLessThan(history[0].Loss / 2);
        history[^1].Train!.Accuracy.Should().BeGreaterThan(0.8);
        history[^1].Test!.Loss.Should().BeApproximately(history[^1].Train!.Loss, 1e-6, "the test set is the training set here");
    }

    [Fact]
    public void Evaluation_runs_without_gradients_and_restores_training_mode()
    {
        var data = Problem(5);
        using var g = new Generator(5);
        using var net = new Mlp([2, 4, 2]).InitializeWith(g);
        var trainer = new Trainer(Options);
        trainer.Evaluate(net, data);
        net.training.Should().BeTrue();
        net.parameters().Select(p => p.grad).Should().AllSatisfy(grad => grad.Should().BeNull());
    }

    [Fact]
    public void A_diverging_run_stops_with_an_error_naming_the_epoch()
    {
        var data = Problem(7);
        var regression = new TensorSet(data.Inputs, data.Targets.to(float32).unsqueeze(1));
        using var g = new Generator(1);
        using var net = new Mlp([2, 16, 1]).InitializeWith(g);
        var trainer = new Trainer(Options with { Loss = LossKind.MeanSquaredError, Optimizer = OptimizerKind.Sgd, LearningRate = 1e12 })
        {
            RunName = "exploding net",
        };

        FluentActions.Invoking(() => trainer.Fit(net, regression, null, g))
            .Should().Throw<TrainingDivergedException>()
            .WithMessage("exploding net diverged at epoch *: the loss is *. Lower the learning rate*")
            .Which.Epoch.Should().BeInRange(1, 30);
    }

    [Fact]
    public void MaxSteps_stops_after_that_many_optimiser_steps()
    {
        int steps = 0;
        var history = Train(1, Options with { Epochs = 100, MaxSteps = 20 }, _ => steps++);
        steps.Should().Be(20);
        history.Should().HaveCount(3, "8 steps an epoch: 8 + 8 + 4");
        history[^1].Test.Should().NotBeNull("the last epoch is always evaluated");
    }

    [Fact]
    public void Full_batch_means_one_step_an_epoch()
    {
        int steps = 0;
        Train(1, Options with { BatchSize = null, Epochs = 5 }, _ => steps++);
        steps.Should().Be(5);
    }
}
