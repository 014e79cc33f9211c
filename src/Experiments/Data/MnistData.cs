using System.Collections.Concurrent;
using Homework.Experiments.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Data;

/// <summary>Inputs and targets of one split, kept together.</summary>
public sealed record TensorSet(Tensor Inputs, Tensor Targets)
{
    public long Count => Inputs.shape[0];

    /// <summary>The rows at <paramref name="indices"/> (a copy).</summary>
    public TensorSet Select(Tensor indices) => new(Inputs.index_select(0, indices), Targets.index_select(0, indices));

    /// <summary>The first <paramref name="count"/> rows in their order (a view), or the whole set when null.</summary>
    public TensorSet First(int? count) =>
        count is null || count >= Count ? this : new TensorSet(Inputs.narrow(0, 0, count.Value), Targets.narrow(0, 0, count.Value));

    /// <summary>
    /// A seeded random subset of <paramref name="count"/> rows, or the whole set when
    /// <paramref name="count"/> is null or not smaller than the set.
    /// </summary>
    public TensorSet Subset(int? count, Generator generator)
    {
        if (count is null || count >= Count) return this;
        if (count < 1) throw new UsageException($"A subset needs at least one sample; got {count}.");
        using var order = randperm(Count, generator: generator);
        using var indices = order.narrow(0, 0, count.Value);
        return Select(indices);
    }
}

/// <summary>
/// MNIST as tensors: images (N,1,28,28) scaled to [0,1] and standardised with the usual
/// mean 0.1307 and standard deviation 0.3081, labels (N) as int64. Loaded once per
/// process and folder, read-only afterwards, so concurrent trainings can share it.
/// </summary>
public sealed class MnistData
{
    public const double Mean = 0.1307;
    public const double Std = 0.3081;
    private static readonly ConcurrentDictionary<string, Lazy<MnistData>> Cache = new();

    private MnistData(TensorSet train, TensorSet test)
    {
        Train = train;
        Test = test;
    }

    /// <summary>The 60,000 training images.</summary>
    public TensorSet Train { get; }

    /// <summary>The 10,000 test images, in their original order.</summary>
    public TensorSet Test { get; }

    /// <summary>
    /// Data of MNIST's shapes from tensors (for tests that run an experiment on a few synthetic
    /// images instead of the real files).
    /// </summary>
    internal static MnistData FromSets(TensorSet train, TensorSet test) => new(train, test);

    /// <summary>The data in <paramref name="directory"/>, fetched if missing; a failure is not cached, so fixing the folder and trying again works in one process.</summary>
    public static MnistData Load(string directory, IRunObserver observer)
    {
        string dir = Path.GetFullPath(directory);
        var lazy = Cache.GetOrAdd(dir, _ => new Lazy<MnistData>(() => Read(dir, observer)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Cache.TryRemove(new KeyValuePair<string, Lazy<MnistData>>(dir, lazy));
            throw;
        }
    }

    private static MnistData Read(string directory, IRunObserver observer)
    {
        TorchRuntime.EnsureLoaded();
        MnistStore.EnsureAvailable(directory, observer);
        var files = MnistStore.Files.Select(spec => Idx.Load(Idx.Locate(directory, spec)!, spec)).ToArray();
        return new MnistData(
            new TensorSet(Images(files[0]), Labels(files[1])),
            new TensorSet(Images(files[2]), Labels(files[3])));
    }

    private static Tensor Images(IdxArray idx)
    {
        var values = new float[idx.Data.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((idx.Data[i] / 255.0 - Mean) / Std);
        return tensor(values, [idx.Dimensions[0], 1, idx.Dimensions[1], idx.Dimensions[2]]);
    }

    private static Tensor Labels(IdxArray idx)
    {
        if (idx.Data.Any(b => b > 9))
            throw new DataFileException("labels", "contains a label outside 0-9", Idx.Fix);
        return tensor(idx.Data.Select(b => (long)b).ToArray(), [idx.Dimensions[0]]);
    }
}
