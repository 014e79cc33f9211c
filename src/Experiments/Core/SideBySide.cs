using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Homework.Experiments.Core;

/// <summary>One piece of work's turn in <see cref="SideBySide.Run"/>: which piece, and what its run context takes from the turn.</summary>
/// <param name="Index">The piece's index in the list given.</param>
/// <param name="Rank">Its place in the start order, 0 for the longest: its trainings' <see cref="RunContext.SlotPriority"/>.</param>
/// <param name="Slots">The pool every piece's trainings share.</param>
/// <param name="Cancellation">Cancelled by the caller's token or by the first piece that fails.</param>
public sealed record Turn(int Index, int Rank, WorkSlots Slots, CancellationToken Cancellation)
{
    /// <summary><paramref name="context"/> with this turn's pool, priority and cancellation.</summary>
    public RunContext Apply(RunContext context) => context with { Slots = Slots, SlotPriority = Rank, Cancellation = Cancellation };
}

/// <summary>
/// Runs several pieces of work (experiments, a shard's units) side by side: longest first by
/// their estimates, <c>jobs</c> pieces at a time, their trainings on one pool of <c>jobs</c> work
/// slots with the longer piece's trainings served first (<see cref="WorkSlots"/>). A core that
/// one piece leaves idle (its last seed still training) then goes to the next piece's trainings
/// instead of waiting. No result depends on it, as long as each piece draws only from its own
/// generators (<see cref="RunContext.Map{TItem, TResult}"/>).
/// </summary>
public static class SideBySide
{
    /// <summary>Runs <paramref name="work"/> for every piece; the first failure cancels the others and is rethrown once they have stopped.</summary>
    /// <param name="estimates">Each piece's estimated seconds (<see cref="Experiment.EstimatedSeconds"/>).</param>
    /// <param name="jobs">Pieces at once, and slots in the pool.</param>
    /// <param name="cancellation">Stops every piece (a piece stops at its next check of <see cref="Turn.Cancellation"/>).</param>
    /// <param name="work">Runs one piece in its turn.</param>
    public static void Run(IReadOnlyList<double> estimates, int jobs, CancellationToken cancellation, Action<Turn> work)
    {
        if (jobs < 1) throw new ArgumentOutOfRangeException(nameof(jobs), jobs, "At least one job.");
        var slots = new WorkSlots(jobs);
        var order = Enumerable.Range(0, estimates.Count).OrderByDescending(i => estimates[i]).ThenBy(i => i).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        try
        {
            // NoBuffering: one piece at a time in the order given (a list is otherwise cut into ranges, one per worker).
            Parallel.ForEach(Partitioner.Create(order, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(jobs, order.Count)) },
                index =>
                {
                    stop.Token.ThrowIfCancellationRequested();
                    try
                    {
                        work(new Turn(index, order.IndexOf(index), slots, stop.Token));
                    }
                    catch
                    {
                        stop.Cancel();
                        throw;
                    }
                });
        }
        catch (AggregateException e)
        {
            // The piece that failed, not one that stopped because of it; a cancellation only when nothing else went wrong.
            var all = e.Flatten().InnerExceptions;
            var first = all.FirstOrDefault(x => x is not OperationCanceledException) ?? all[0];
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}
