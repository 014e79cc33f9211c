using Homework.Experiments.Data;

namespace Homework.Experiments.Core;

/// <summary>
/// What an experiment's <c>Run</c> gets besides its config: where data lives, how many
/// trainings may run at once, where to report progress, and a cancellation token.
/// </summary>
public sealed record RunContext
{
    /// <summary>Folder of the MNIST cache (see <see cref="ProjectPaths.DefaultDataDirectory"/>).</summary>
    public string DataDirectory { get; init; } = ProjectPaths.DefaultDataDirectory();

    /// <summary>Independent trainings (seeds, models) of this run at once; one per core by default.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// The slots every <see cref="Map{TItem, TResult}"/> item takes while it works, shared by all
    /// runs given the same pool: runs side by side then keep at most its size of items working
    /// at once, and a slot one run leaves free goes to the next item of any run. The default
    /// is one pool per process with a slot per core (<see cref="WorkSlots.PerCore"/>).
    /// </summary>
    public WorkSlots Slots { get; init; } = WorkSlots.PerCore;

    /// <summary>Where this run's items queue for a slot: a freed slot goes to the lowest waiting (0 by default).</summary>
    public int SlotPriority { get; init; }

    /// <summary>LibTorch intra-op threads per training.</summary>
    public int Threads { get; init; } = 1;

    public IRunObserver Observer { get; init; } = NullObserver.Instance;

    /// <summary>Receives the work of every training loop (the benchmarks' GFLOP/s per experiment); none when null.</summary>
    public Training.ITrainingMeter? Meter { get; init; }

    public CancellationToken Cancellation { get; init; }

    /// <summary>Data to use instead of the MNIST files (tests of the experiments on synthetic images).</summary>
    internal MnistData? MnistData { get; init; }

    /// <summary>The MNIST data, read and checked once per process and folder.</summary>
    public MnistData Mnist() => MnistData ?? Data.MnistData.Load(DataDirectory, Observer);

    /// <summary>
    /// Runs <paramref name="work"/> on every item, <see cref="Jobs"/> at a time, each on a
    /// thread set to <see cref="Threads"/> LibTorch threads; results come back in item
    /// order. Work must draw all its randomness from its own generators (never the
    /// process-wide one) so that the result does not depend on scheduling.
    /// </summary>
    public IReadOnlyList<TResult> Map<TItem, TResult>(IReadOnlyList<TItem> items, Func<TItem, TResult> work)
    {
        TorchRuntime.EnsureLoaded();
        var results = new TResult[items.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Jobs), CancellationToken = Cancellation };
        try
        {
            Parallel.For(0, items.Count, options, i =>
            {
                using var slot = Slots.Take(Cancellation, SlotPriority);
                TorchRuntime.UseThreads(Threads);
                results[i] = work(items[i]);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            var first = e.InnerExceptions.FirstOrDefault(x => x is HomeworkException) ?? e.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
        return results;
    }

    /// <summary>Runs one piece of work as <see cref="Map{TItem, TResult}"/> runs each of its items (threads set, errors unwrapped, a slot taken).</summary>
    public TResult RunOne<TResult>(Func<TResult> work) => Map([0], _ => work())[0];
}

/// <summary>
/// A pool of work slots (<see cref="RunContext.Slots"/>). A freed slot goes to the waiting item
/// of the lowest <see cref="RunContext.SlotPriority"/>, the longest waiting among equals, so that
/// the runs started first as the longest (see <c>run all</c>) are not overtaken by the runs
/// beside them. Work items never take a second slot while they hold one (an item of
/// <see cref="RunContext.Map{TItem, TResult}"/> does not map again), so runs sharing a pool
/// cannot deadlock on it.
/// </summary>
public sealed class WorkSlots
{
    private readonly Lock gate = new();
    private readonly List<(int Priority, long Ticket, SemaphoreSlim Signal)> waiting = [];
    private int free;
    private long tickets;

    public WorkSlots(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A pool needs at least one slot.");
        Count = count;
        free = count;
    }

    /// <summary>The process's pool, one slot per core.</summary>
    public static WorkSlots PerCore { get; } = new(Environment.ProcessorCount);

    /// <summary>Slots in the pool.</summary>
    public int Count { get; }

    /// <summary>Slots taken now.</summary>
    public int InUse
    {
        get
        {
            lock (gate) return Count - free;
        }
    }

    /// <summary>Items waiting for a slot now.</summary>
    public int Waiting
    {
        get
        {
            lock (gate) return waiting.Count;
        }
    }

    /// <summary>Waits for a free slot, served by <paramref name="priority"/> (lower first); disposing the result gives it back.</summary>
    public IDisposable Take(CancellationToken cancellation, int priority = 0)
    {
        SemaphoreSlim signal;
        lock (gate)
        {
            if (free > 0 && waiting.Count == 0)
            {
                free--;
                return new Slot(this);
            }
            signal = new SemaphoreSlim(0, 1);
            waiting.Add((priority, tickets++, signal));
        }
        try
        {
            signal.Wait(cancellation);
            return new Slot(this);
        }
        catch (OperationCanceledException)
        {
            lock (gate)
            {
                // Handed a slot just as the wait was cancelled: pass it on.
                if (waiting.RemoveAll(w => w.Signal == signal) == 0) Release();
            }
            throw;
        }
        finally
        {
            signal.Dispose();
        }
    }

    /// <summary>Hands the slot to the first waiter, or frees it. Called under <see cref="gate"/>.</summary>
    private void Release()
    {
        if (waiting.Count == 0)
        {
            free++;
            return;
        }
        int next = 0;
        for (int i = 1; i < waiting.Count; i++)
            if ((waiting[i].Priority, waiting[i].Ticket).CompareTo((waiting[next].Priority, waiting[next].Ticket)) < 0) next = i;
        var signal = waiting[next].Signal;
        waiting.RemoveAt(next);
        signal.Release();
    }

    private sealed class Slot(WorkSlots pool) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) != 0) return;
            lock (pool.gate) pool.Release();
        }
    }
}
