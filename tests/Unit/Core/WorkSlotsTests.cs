using FluentAssertions;
using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Core;

/// <summary>Runs that share a pool of work slots keep at most its size of items working at once, and hand a freed slot on.</summary>
public sealed class WorkSlotsTests
{
    [Fact]
    public async Task Two_runs_side_by_side_never_work_on_more_items_than_the_pool_has_slots()
    {
        var slots = new WorkSlots(2);
        var overlap = new Overlap(expected: 2);
        var context = new RunContext { Jobs = 2, Slots = slots };
        var runs = Enumerable.Range(0, 3).Select(_ => Task.Run(() => context.Map(Enumerable.Range(0, 6).ToList(), item =>
        {
            overlap.Work();
            return item * 2;
        }))).ToArray();
        var results = await Task.WhenAll(runs);
        overlap.Most.Should().Be(2, "three runs of two jobs each share two slots");
        results.Should().AllSatisfy(r => r.Should().Equal(0, 2, 4, 6, 8, 10));
        slots.InUse.Should().Be(0, "every slot is given back");
    }

    [Fact]
    public void A_slot_is_given_back_when_an_item_fails()
    {
        var slots = new WorkSlots(1);
        var context = new RunContext { Jobs = 1, Slots = slots };
        var act = () => context.Map([1, 2], item => item == 1 ? throw new InvalidOperationException("item 1 failed") : item);
        act.Should().Throw<InvalidOperationException>().WithMessage("item 1 failed");
        slots.InUse.Should().Be(0);
        context.Map([3], item => item).Should().Equal(3);
    }

    [Fact]
    public void Waiting_for_a_slot_ends_with_the_run_when_it_is_cancelled()
    {
        var slots = new WorkSlots(1);
        using var held = slots.Take(CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var context = new RunContext { Jobs = 1, Slots = slots, Cancellation = cancel.Token };
        var act = () => context.Map([1], item => item);
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public async Task A_freed_slot_goes_to_the_waiting_item_of_the_lowest_priority_first()
    {
        var slots = new WorkSlots(1);
        var served = new List<int>();
        var held = slots.Take(CancellationToken.None);
        var waiters = new List<Task>();
        foreach (int priority in new[] { 2, 0, 1 })
        {
            waiters.Add(Task.Run(() =>
            {
                using var slot = slots.Take(CancellationToken.None, priority);
                lock (served) served.Add(priority);
            }));
            SpinWait.SpinUntil(() => slots.Waiting == waiters.Count, TimeSpan.FromSeconds(10)).Should().BeTrue();
        }
        held.Dispose();
        await Task.WhenAll(waiters);
        served.Should().Equal(0, 1, 2);
        slots.InUse.Should().Be(0);
    }

    [Fact]
    public void A_pool_needs_a_slot()
    {
        var act = () => new WorkSlots(0);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at least one slot*");
    }
}
