using Homework.Experiments.Core;
using Homework.Experiments.Training;
using Homework.Models;
using static Homework.Tests.Unit.Training.StackedTraining;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>
/// The batch-order digest golden files pin exactly on every machine: what changes it (the order,
/// the set's size, the batch size, shuffling at all) and what must not (stacking, the order in
/// which loops finish).
/// </summary>
public sealed class BatchOrderTests
{
    public BatchOrderTests() => TorchRuntime.UseThreads(1);

    private static ulong DigestOf(params (long[]? Order, long Rows, long Batch)[] epochs)
    {
        var digest = new BatchOrder(1);
        foreach (var (order, rows, batch) in epochs)
        {
            using var t = order is null ? null : tensor(order);
            digest.Epoch(t, rows, batch);
        }
        return digest.Digest;
    }

    [Fact]
    public void The_same_orders_give_the_same_digest_and_any_change_another()
    {
        ulong reference = DigestOf(([2, 0, 1, 3], 4, 2), ([1, 3, 0, 2], 4, 2));
        DigestOf(([2, 0, 1, 3], 4, 2), ([1, 3, 0, 2], 4, 2)).Should().Be(reference);
        ulong[] others =
        [
            DigestOf(([2, 0, 1, 3], 4, 2), ([1, 3, 2, 0], 4, 2)),   // two rows swapped in the second epoch
            DigestOf(([2, 0, 1, 3], 4, 2), ([2, 0, 1, 3], 4, 2)),   // the first epoch's order drawn again
            DigestOf(([1, 3, 0, 2], 4, 2), ([2, 0, 1, 3], 4, 2)),   // the epochs swapped
            DigestOf(([2, 0, 1, 3], 4, 2), (null, 4, 2)),           // not shuffled in the second epoch
            DigestOf(([2, 0, 1, 3], 4, 3), ([1, 3, 0, 2], 4, 3)),   // another batch size
            DigestOf(([2, 0, 1, 3], 4, 2)),                         // one epoch fewer
        ];
        others.Should().NotContain(reference).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_stack_digests_each_member_as_its_own_loop_would()
    {
        var stack = new BatchOrder(2);
        using (var orders = tensor(new long[] { 2, 0, 1, 3, 1, 3, 0, 2 }, [2, 4]))
            stack.Epoch(orders, 4, 2);
        stack.Digest.Should().Be(BatchOrder.Combine([DigestOf(([2, 0, 1, 3], 4, 2)), DigestOf(([1, 3, 0, 2], 4, 2))]));
    }

    [Fact]
    public void An_order_that_does_not_fit_the_members_and_rows_is_refused()
    {
        using var order = tensor(new long[] { 0, 1, 2 });
        var act = () => new BatchOrder(2).Epoch(order, 3, 1);
        act.Should().Throw<ArgumentException>().WithMessage("*3 rows for 2 nets of 3 rows*");
    }

    [Fact]
    public void The_written_form_reads_back_and_nothing_else_does()
    {
        BatchOrder.Parse(BatchOrder.Format(0x0123456789abcdef)).Should().Be(0x0123456789abcdef);
        BatchOrder.Format(5).Should().Be("0000000000000005");
        foreach (string? bad in new[] { null, "", "5", "0123456789abcdeg", "0x0123456789abcd" })
            BatchOrder.Parse(bad).Should().BeNull(bad);
        BatchOrder.Sum(["0000000000000001", "fffffffffffffffe"]).Should().Be("ffffffffffffffff");
        BatchOrder.Sum(["0000000000000001", "ffffffffffffffff"]).Should().Be("0000000000000000", "the sum wraps");
        BatchOrder.Sum(["0000000000000001", null]).Should().BeNull("a part that recorded no digest leaves the whole without one");
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void The_trainers_report_one_digest_for_the_same_shuffles_whether_nets_are_stacked_or_alone(string name)
    {
        var (kind, train, options) = name == "mlp"
            ? (Mlp([2, 8, 2], Activation.Tanh), Points(5, 40), new TrainingOptions { Epochs = 3, BatchSize = 8, EvaluateTrain = false })
            : (Cnn(new CnnWidths(2, 4, 8)), Images(6, 30), new TrainingOptions { Epochs = 2, BatchSize = 10, EvaluateTrain = false });
        ulong[] seeds = [1, 2, 3];
        var alone = new TrainingMeter();
        foreach (ulong seed in seeds)
            Single(kind, seed, train, null, options, meter: alone);
        var stacked = new TrainingMeter();
        Stacked(kind, seeds, [train, train, train], null, options, meter: stacked);

        stacked.Work.Should().ContainSingle();
        alone.Work.Should().HaveCount(3);
        stacked.BatchOrder.Should().Be(alone.BatchOrder, "each member draws its shuffles from its own generator as the single net does");

        var unshuffled = new TrainingMeter();
        Stacked(kind, seeds, [train, train, train], null, options with { Shuffle = false }, meter: unshuffled);
        unshuffled.BatchOrder.Should().NotBe(stacked.BatchOrder, "a training set never reshuffled is another batch order");
    }

    [Fact]
    public void A_loop_stopped_on_a_loss_target_reports_the_digest_of_its_whole_budget_wherever_it_stopped()
    {
        // Where a loss target is met depends on the floating-point path; the digest must not.
        var train = Points(7, 40);
        var options = new TrainingOptions { Epochs = 5, BatchSize = 8, EvaluateTrain = false };
        (ulong Digest, int Epochs) Run(Func<int, bool>? stop, TrainingOptions? with = null)
        {
            var generators = new[] { new Generator(1), new Generator(2) };
            try
            {
                using var net = new StackedMlp([2, 8, 2], 2, Activation.Tanh).InitializeMembers(generators);
                var meter = new TrainingMeter();
                var histories = new StackedTrainer(with ?? options) { Meter = meter, StopAfterEpoch = stop }.Fit(net, [train, train], test: null, generators);
                return (meter.BatchOrder, histories[0].Count);
            }
            finally
            {
                foreach (var g in generators) g.Dispose();
            }
        }

        var whole = Run(stop: null);
        var afterTwo = Run(stop: epoch => epoch == 2);
        var afterFour = Run(stop: epoch => epoch == 4);
        (afterTwo.Epochs, afterFour.Epochs, whole.Epochs).Should().Be((2, 4, 5), "the loop stops where it is told to");
        afterTwo.Digest.Should().Be(whole.Digest).And.Be(afterFour.Digest);
        Run(stop: epoch => epoch == 2, options with { Shuffle = false }).Digest.Should().NotBe(whole.Digest, "a set never reshuffled is still another order");
        Run(stop: epoch => epoch == 2, options with { Epochs = 6 }).Digest.Should().NotBe(whole.Digest, "the budget is part of the schedule");
    }
}
