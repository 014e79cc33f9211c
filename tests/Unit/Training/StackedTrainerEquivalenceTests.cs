using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using static TorchSharp.torch;
using static Homework.Tests.Unit.Training.StackedTraining;

namespace Homework.Tests.Unit.Training;

/// <summary>
/// Issue 15: "Prove equivalence: an ensemble of 1 is bit-identical to today's single model; an
/// ensemble of M matches M separate trainings step by step to float tolerance over the first steps."
/// </summary>
/// <remarks>
/// <para>
/// Why M &gt; 1 is not bit-identical in float32: the batched matrix product rounds differently from
/// <c>nn.Linear</c>'s <c>addmm</c> (ATen multiplies matrices of fewer than 400 multiply-adds with its
/// own loop instead of MKL's GEMM, and the weight gradient comes out as xᵀ·δ instead of (δᵀ·x)ᵀ,
/// another summation order), and oneDNN's grouped convolution is another kernel than its plain
/// one (from 8 groups on, an im2col GEMM instead of its direct AVX2 kernel). Step losses then
/// agree to about 2e-7.
/// </para>
/// <para>
/// Parameters are compared as whole vectors (‖Δ‖/‖θ‖), not one by one: Adam divides each
/// gradient by its own running RMS, so a parameter whose gradient is within rounding of zero
/// (a unit no sample of the batch activates) moves by an amount set by rounding, up to a
/// fraction of the learning rate (measured: one CNN weight 5e-6 apart after the first step).
/// And in float32 a max-pooling window whose two largest inputs are within rounding of each
/// other can pick the other one in the stack, which sends that step's gradient elsewhere: for
/// the 21k CNN from seed 40 (M = 6, 8 or 10 alike), the vectors agree to 1.6e-8 after four steps,
/// one window of the second pooling flips in the fifth, and they are 2e-5 apart from then on.
/// That is a property of float32 max-pooling, not of the stacking. The float32 test below uses
/// seeds 21-25 (chosen before this was known), which meet no such tie in 20 steps; the
/// double-precision test, where rounding is too small to flip anything, checks every net kind,
/// seed 40 included, for 20 steps at 1e-10.
/// </para>
/// </remarks>
public sealed class StackedTrainerEquivalenceTests
{
    public StackedTrainerEquivalenceTests() => TorchRuntime.UseThreads(1);

    /// <summary>The kinds of net the experiments train, each on a problem of its kind, with the experiment's batching.</summary>
    public static TheoryData<string> Nets() =>
        ["points tanh b8", "points leaky b10", "points elu b16", "curve leaky full-batch", "paths 1-4-8-1 b50", "mnist-mlp b5", "cnn5k b10", "cnn21k b10"];

    private static (NetKind Kind, TensorSet Train, TensorSet? Test, TrainingOptions Options) Case(string name) => name switch
    {
        "points tanh b8" => (Mlp([2, 16, 2], Activation.Tanh), Points(99), Points(5), new TrainingOptions { Epochs = 4, BatchSize = 8, LearningRate = 0.01, EvaluateTrain = true }),
        "points leaky b10" => (Mlp([2, 8, 8, 2], Activation.LeakyRelu), Points(99), Points(5), new TrainingOptions { Epochs = 4, BatchSize = 10, LearningRate = 0.01, EvaluateTrain = true }),
        "points elu b16" => (Mlp([2, 8, 2], Activation.Elu), Points(99), null, new TrainingOptions { Epochs = 6, BatchSize = 16, LearningRate = 0.01 }),
        "curve leaky full-batch" => (Mlp([1, 5, 10, 5, 1], Activation.LeakyRelu), Curve(), null,
            new TrainingOptions { Epochs = 25, BatchSize = null, LearningRate = 0.01, Loss = LossKind.MeanSquaredError, Shuffle = false, EvaluateTrain = true }),
        "paths 1-4-8-1 b50" => (Mlp([1, 4, 8, 1], Activation.LeakyRelu), Curve(1000), null,
            new TrainingOptions { Epochs = 2, BatchSize = 50, LearningRate = 0.01, Loss = LossKind.MeanSquaredError }),
        "mnist-mlp b5" => (Mlp([784, 20, 30, 10], Activation.Relu), Images(6, 120), Images(7, 50), new TrainingOptions { Epochs = 1, BatchSize = 5, EvaluateTrain = true, EvaluationBatchSize = 64 }),
        "cnn5k b10" => (Cnn(new CnnWidths(4, 8, 32)), Images(3, 100), Images(4, 30), new TrainingOptions { Epochs = 2, BatchSize = 10, EvaluateTrain = true, EvaluationBatchSize = 40 }),
        "cnn21k b10" => (Cnn(new CnnWidths(8, 16, 64)), Images(3, 100), Images(4, 30), new TrainingOptions { Epochs = 2, BatchSize = 10, EvaluateTrain = true, EvaluationBatchSize = 40 }),
        "cnn5k b10 harness kernels" => (CnnOnHarnessKernels(new CnnWidths(4, 8, 32)), Images(3, 100), Images(4, 30), new TrainingOptions { Epochs = 2, BatchSize = 10, EvaluateTrain = true, EvaluationBatchSize = 40 }),
        "cnn21k b10 harness kernels" => (CnnOnHarnessKernels(new CnnWidths(8, 16, 64)), Images(3, 100), Images(4, 30), new TrainingOptions { Epochs = 2, BatchSize = 10, EvaluateTrain = true, EvaluationBatchSize = 40 }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Nets))]
    public void A_stack_of_one_is_bit_identical_to_the_single_net(string name)
    {
        var (kind, train, test, options) = Case(name);
        var single = Single(kind, 11, train, test, options);
        var stacked = Stacked(kind, [11], [train], test, options)[0];

        stacked.StepLosses.Should().Equal(single.StepLosses, "every step's loss");
        stacked.History.Should().Equal(single.History, "epoch losses and evaluations");
        stacked.Parameters.Should().Equal(single.Parameters, "the final parameters");
    }

    [Theory]
    [MemberData(nameof(Nets))]
    public void A_stack_of_M_matches_M_separate_trainings_for_20_steps(string name)
    {
        var (kind, train, test, options) = Case(name);
        options = options with { Epochs = 1000, MaxSteps = 20 };
        ulong[] seeds = [21, 22, 23, 24, 25];
        var stacked = Stacked(kind, seeds, [.. seeds.Select(_ => train)], test, options);
        for (int i = 0; i < seeds.Length; i++)
            ShouldMatch(stacked[i], Single(kind, seeds[i], train, test, options), $"member {i}");
    }

    /// <summary>
    /// The CNN stacks as the experiment trains them, on <see cref="LeNetTrunk"/>'s kernels, against
    /// single LeNets on LibTorch's: other kernels, other rounding, the same trainings.
    /// </summary>
    [Theory]
    [InlineData("cnn5k b10 harness kernels")]
    [InlineData("cnn21k b10 harness kernels")]
    public void A_stack_on_the_harness_kernels_matches_M_separate_trainings_for_20_steps(string name) =>
        A_stack_of_M_matches_M_separate_trainings_for_20_steps(name);

    [Theory]
    [MemberData(nameof(Nets))]
    public void In_double_precision_a_stack_of_M_matches_M_separate_trainings_to_1e_10(string name)
    {
        // Rounding differences are then ~1e-16, too small to flip a max-pooling window or a ReLU:
        // what is left to differ is the computation itself (batches, shuffles, initialisation,
        // loss reduction, Adam), and it does not.
        var (kind, train, test, options) = Case(name);
        options = options with { Epochs = 1000, MaxSteps = 20 };
        (train, test) = (As(train, float64), test is null ? null : As(test, float64));
        ulong[] seeds = kind.Name.StartsWith("cnn", StringComparison.Ordinal) ? [.. Enumerable.Range(40, 10).Select(s => (ulong)s)] : [21, 22, 23, 24, 25];
        var stacked = Stacked(kind, seeds, [.. seeds.Select(_ => train)], test, options, float64);
        for (int i = 0; i < seeds.Length; i++)
            ShouldMatch(stacked[i], Single(kind, seeds[i], train, test, options, float64), $"member {i}", 1e-10);
    }

    [Fact]
    public void Members_with_their_own_training_sets_match_their_separate_trainings()
    {
        // CnnTraining draws another training subset for every seed: the stack then concatenates the sets.
        var (kind, _, test, options) = Case("points tanh b8");
        options = options with { Epochs = 1000, MaxSteps = 20 };
        TensorSet[] trains = [Points(31), Points(32), Points(33)];
        ulong[] seeds = [1, 2, 3];
        var stacked = Stacked(kind, seeds, trains, test, options);
        for (int i = 0; i < seeds.Length; i++)
            ShouldMatch(stacked[i], Single(kind, seeds[i], trains[i], test, options), $"member {i}");
    }

    [Fact]
    public void Members_sharing_inputs_with_their_own_targets_match_their_separate_trainings()
    {
        // As the function fits train: one grid, sinc for some nets and sign for others.
        var (kind, sinc, _, options) = Case("curve leaky full-batch");
        options = options with { Epochs = 20 };
        using var sign = sinc.Targets.sign();
        var signSet = new TensorSet(sinc.Inputs, sign);
        TensorSet[] trains = [sinc, signSet, sinc, signSet];
        ulong[] seeds = [1, 2, 3, 4];
        var stacked = Stacked(kind, seeds, trains, null, options);
        for (int i = 0; i < seeds.Length; i++)
            ShouldMatch(stacked[i], Single(kind, seeds[i], trains[i], null, options), $"member {i}");
    }

    private static void ShouldMatch(Outcome stacked, Outcome single, string who, double tolerance = 1e-5)
    {
        stacked.StepLosses.Should().HaveCount(20);
        MaxRelativeDifference(stacked.StepLosses, single.StepLosses).Should().BeLessThan(tolerance, $"{who}'s loss at every step");
        RelativeNormDifference(stacked.Parameters, single.Parameters).Should().BeLessThan(tolerance, $"{who}'s parameters after 20 steps");
        MaxRelativeDifference(Numbers(stacked.History), Numbers(single.History)).Should().BeLessThan(tolerance, $"{who}'s epoch losses and evaluations");
    }

    /// <summary>Every number an epoch reports, in a fixed order.</summary>
    private static double[] Numbers(IReadOnlyList<EpochMetrics> history) =>
        [.. history.SelectMany(m => new double?[] { m.Loss, m.Train?.Loss, m.Train?.Accuracy, m.Test?.Loss, m.Test?.Accuracy })
            .Where(v => v is not null).Select(v => v!.Value)];
}
