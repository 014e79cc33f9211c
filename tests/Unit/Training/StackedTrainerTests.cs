using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static Homework.Tests.Unit.Training.StackedTraining;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>The stacked training loop: independence of members, determinism, and what it reports.</summary>
public sealed class StackedTrainerTests
{
    public StackedTrainerTests() => TorchRuntime.UseThreads(1);

    private static readonly TrainingOptions PointsOptions = new() { Epochs = 6, BatchSize = 8, LearningRate = 0.01, EvaluateTrain = true };
    private static readonly TrainingOptions CnnOptions = new() { Epochs = 2, BatchSize = 10, EvaluateTrain = true, EvaluationBatchSize = 40 };

    public static TheoryData<string> Nets() => ["mlp", "cnn"];

    private static (NetKind Kind, TensorSet Train, TensorSet Test, TrainingOptions Options) Case(string name) => name == "mlp"
        ? (Mlp([2, 16, 2], Activation.Tanh), Points(99), Points(5), PointsOptions)
        : (Cnn(new CnnWidths(8, 16, 64)), Images(3, 100), Images(4, 30), CnnOptions);

    [Theory]
    [MemberData(nameof(Nets))]
    public void A_member_does_not_depend_on_the_other_members_or_its_place(string name)
    {
        // Member i's result is a function of its own seed and data only: the same bits whichever
        // members share the stack and wherever it sits, so results do not depend on how seeds
        // are grouped into stacks (of one size: other sizes can take other kernels).
        var (kind, train, test, options) = Case(name);
        var first = Stacked(kind, [7, 8, 9], [train, train, train], test, options)[0];
        var middle = Stacked(kind, [10, 7, 11], [train, train, train], test, options)[1];
        var last = Stacked(kind, [12, 13, 7], [train, train, train], test, options)[2];
        foreach (var other in new[] { middle, last })
        {
            other.StepLosses.Should().Equal(first.StepLosses);
            other.History.Should().Equal(first.History);
            other.Parameters.Should().Equal(first.Parameters);
        }
    }

    [Theory]
    [MemberData(nameof(Nets))]
    public void The_same_seeds_give_bit_identical_results(string name)
    {
        var (kind, train, test, options) = Case(name);
        var a = Stacked(kind, [1, 2, 3], [train, train, train], test, options);
        var b = Stacked(kind, [1, 2, 3], [train, train, train], test, options);
        for (int i = 0; i < 3; i++)
        {
            b[i].History.Should().Equal(a[i].History);
            b[i].Parameters.Should().Equal(a[i].Parameters);
        }
    }

    [Fact]
    public void Results_do_not_depend_on_the_process_wide_generator()
    {
        var (kind, train, test, options) = Case("mlp");
        manual_seed(1);
        var a = Stacked(kind, [1, 2], [train, train], test, options);
        manual_seed(12345);
        var b = Stacked(kind, [1, 2], [train, train], test, options);
        b[1].Parameters.Should().Equal(a[1].Parameters);
    }

    [Fact]
    public void Members_differ_when_their_seeds_do()
    {
        var (kind, train, test, options) = Case("mlp");
        var results = Stacked(kind, [1, 2], [train, train], test, options);
        results[0].Parameters.Should().NotEqual(results[1].Parameters);
    }

    [Fact]
    public void Each_member_reports_every_epoch_and_training_lowers_its_loss()
    {
        var (kind, train, test, options) = Case("mlp");
        var results = Stacked(kind, [1, 2, 3], [train, train, train], test, options with { Epochs = 30 });
        foreach (var member in results)
        {
            member.History.Select(m => m.Epoch).Should().Equal(Enumerable.Range(1, 30));
            member.History[^1].Loss.Should().BeLessThan(member.History[0].Loss / 2);
            member.History[^1].Train!.Accuracy.Should().BeGreaterThan(0.8);
            member.History[^1].Test.Should().NotBeNull();
        }
    }

    [Fact]
    public void MaxSteps_and_full_batches_count_steps_as_the_single_trainer_does()
    {
        var (kind, train, test, options) = Case("mlp");
        var limited = Stacked(kind, [1, 2], [train, train], test, options with { Epochs = 100, MaxSteps = 20 });
        limited[0].StepLosses.Should().HaveCount(20);
        limited[0].History.Should().HaveCount(3, "8 steps an epoch: 8 + 8 + 4");
        limited[0].History[^1].Test.Should().NotBeNull("the last epoch is always evaluated");

        var full = Stacked(kind, [1, 2], [train, train], test, options with { BatchSize = null, Epochs = 5 });
        full[1].StepLosses.Should().HaveCount(5);
    }

    [Fact]
    public void A_diverging_member_stops_the_run_with_an_error_naming_it()
    {
        var data = Points(7);
        var regression = new TensorSet(data.Inputs, data.Targets.to(float32).unsqueeze(1));
        var generators = new[] { new Generator(1), new Generator(2) };
        using var net = new StackedMlp([2, 16, 1], 2).InitializeMembers(generators);
        // Member 1 starts with huge weights; member 0 is an ordinary net.
        using (no_grad())
        using (var view = net.MemberView(0))
        using (var slot = view[1])
        using (var big = 1e30.ToScalar())
            slot.fill_(big);
        var trainer = new StackedTrainer(PointsOptions with { Loss = LossKind.MeanSquaredError })
        {
            RunNames = ["calm net", "exploding net"],
        };

        FluentActions.Invoking(() => trainer.Fit(net, [regression, regression], null, generators))
            .Should().Throw<TrainingDivergedException>()
            .WithMessage("exploding net diverged at epoch 1: *");
        foreach (var g in generators) g.Dispose();
    }

    [Fact]
    public void Progress_counts_one_unit_per_member_and_epoch()
    {
        var progress = new CountingProgress();
        var (kind, train, test, options) = Case("mlp");
        var generators = new[] { new Generator(1), new Generator(2), new Generator(3) };
        using var net = kind.Stack(3).InitializeMembers(generators);
        new StackedTrainer(options with { Epochs = 4 }) { Progress = progress }.Fit(net, [train, train, train], null, generators);
        progress.Total.Should().Be(12);
        foreach (var g in generators) g.Dispose();
    }

    [Fact]
    public void Sets_of_different_sizes_are_refused()
    {
        var generators = new[] { new Generator(1), new Generator(2) };
        using var net = new StackedMlp([2, 4, 2], 2).InitializeMembers(generators);
        FluentActions.Invoking(() => new StackedTrainer(PointsOptions).Fit(net, [Points(1, 64), Points(2, 32)], null, generators))
            .Should().Throw<UsageException>().WithMessage("*sets of one size*");
        foreach (var g in generators) g.Dispose();
    }

    private sealed class CountingProgress : IProgressTask
    {
        public double Total { get; private set; }
        public void Advance(double amount = 1) => Total += amount;
        public void Dispose() { }
    }
}
