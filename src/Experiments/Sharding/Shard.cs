using System.Globalization;
using Homework.Experiments.Core;

namespace Homework.Experiments.Sharding;

/// <summary>The <c>i/n</c> of <c>run --shard i/n</c>: the i-th of n shards, counted from 1 as CI matrices count.</summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>More shards than this is a typo, not a plan (there are about ten units of work).</summary>
    public const int MaxCount = 256;

    /// <summary>Parses <c>2/4</c>; the error says what a valid value looks like.</summary>
    public static Shard Parse(string? text)
    {
        string[] fields = (text ?? "").Split('/');
        if (fields.Length == 2
            && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count is >= 1 and <= MaxCount && index >= 1 && index <= count)
            return new Shard(index, count);
        throw new UsageException(
            $"--shard needs i/n, the i-th of n shards with 1 <= i <= n <= {MaxCount}, e.g. --shard 2/4; got '{text}'.");
    }

    public override string ToString() => $"{Index}/{Count}";
}
