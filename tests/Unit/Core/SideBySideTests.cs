using FluentAssertions;
using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Core;

/// <summary>Pieces of work run side by side start longest first, at most jobs at once, and stop together on the first failure.</summary>
public sealed class SideBySideTests
{
    [Fact]
    public void Pieces_start_longest_first_and_their_turns_carry_that_rank()
    {
        var started = new List<(int Index, int Rank)>();
        SideBySide.Run([5, 60, 1, 30], jobs: 1, CancellationToken.None, turn =>
        {
            lock (started) started.Add((turn.Index, turn.Rank));
        });
        started.Should().Equal((1, 0), (3, 1), (0, 2), (2, 3));
    }

    [Fact]
    public void At_most_jobs_pieces_run_at_once_on_one_shared_pool()
    {
        var overlap = new Overlap(expected: 2);
        var pools = new HashSet<WorkSlots>();
        SideBySide.Run([.. Enumerable.Repeat(1.0, 6)], jobs: 2, CancellationToken.None, turn =>
        {
            lock (pools) pools.Add(turn.Slots);
            overlap.Work();
        });
        overlap.Most.Should().Be(2);
        pools.Should().ContainSingle().Which.Count.Should().Be(2);
    }

    [Fact]
    public void The_first_failure_stops_the_other_pieces_and_is_what_the_caller_sees()
    {
        var stopped = new List<int>();
        var act = () => SideBySide.Run([10, 1], jobs: 2, CancellationToken.None, turn =>
        {
            if (turn.Index == 1)
            {
                Thread.Sleep(50);
                throw new InvalidOperationException("piece 1 broke");
            }
            // The long piece works until it is told to stop.
            while (!turn.Cancellation.IsCancellationRequested) Thread.Sleep(5);
            lock (stopped) stopped.Add(turn.Index);
            turn.Cancellation.ThrowIfCancellationRequested();
        });
        act.Should().Throw<InvalidOperationException>().WithMessage("piece 1 broke");
        stopped.Should().Equal(0);
    }

    [Fact]
    public void A_cancelled_run_ends_with_a_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        var act = () => SideBySide.Run([1, 1, 1], jobs: 1, cancel.Token, turn =>
        {
            cancel.Cancel();
            turn.Cancellation.ThrowIfCancellationRequested();
        });
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void A_turn_hands_its_pool_priority_and_cancellation_to_a_run_context()
    {
        var slots = new WorkSlots(3);
        using var cancel = new CancellationTokenSource();
        var context = new Turn(4, 2, slots, cancel.Token).Apply(new RunContext { Jobs = 5, Threads = 2 });
        context.Slots.Should().BeSameAs(slots);
        context.SlotPriority.Should().Be(2);
        context.Cancellation.Should().Be(cancel.Token);
        (context.Jobs, context.Threads).Should().Be((5, 2));
    }
}
