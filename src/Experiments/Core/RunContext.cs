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

    /// <summary>Independent trainings (seeds, models) run at once; one per core by default.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

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

    /// <summary>Runs one piece of work as <see cref="Map{TItem, TResult}"/> runs each of its items (threads set, errors unwrapped).</summary>
    public TResult RunOne<TResult>(Func<TResult> work) => Map([0], _ => work())[0];
}
