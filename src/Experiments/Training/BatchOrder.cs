using System.Globalization;
using static TorchSharp.torch;

namespace Homework.Experiments.Training;

/// <summary>
/// A digest of the order in which each net of a training loop saw its training rows: per net,
/// per epoch, the rows it drew in that epoch's order (its shuffle, or "in order" when the loop
/// does not shuffle or trains on the whole set at once), with the set's size and the batch size.
/// </summary>
/// <remarks>
/// <para>
/// The orders come from integer generators (<c>randperm</c> on a seeded CPU generator), so the
/// digest is the same on every CPU and floating-point path, where losses and accuracies differ
/// in their last bits and then beyond. Golden files pin it exactly in both comparison regimes: a
/// defect in the data pipeline (a shuffle drawn once, or not at all) changes it on any machine,
/// even where no claim's numbers move beyond what reseeding moves them.
/// </para>
/// <para>
/// A net's digest does not depend on how it was trained: one net alone (<see cref="Trainer"/>)
/// or as a member of a stack (<see cref="StackedTrainer"/>), which draws each member's shuffle as
/// the single net does. A run's digest (<see cref="Combine"/>) is the wrapping sum of its nets',
/// so it depends neither on the order in which stacks finish nor on how a sharded run was cut.
/// </para>
/// <para>
/// A loop that stops early on a loss target (<see cref="StackedTrainer.StopAfterEpoch"/>) stops at
/// an epoch that the losses decide, and so the floating-point path; its digest covers every epoch
/// of the loop's budget, the orders of those not trained drawn for the digest alone, so that it
/// too is the same on every CPU.
/// </para>
/// </remarks>
public sealed class BatchOrder
{
    private readonly ulong[] states;

    /// <param name="members">Nets trained by the loop.</param>
    public BatchOrder(int members)
    {
        states = new ulong[members];
        Array.Fill(states, Core.Seeds.FnvOffset);
    }

    /// <summary>One epoch: <paramref name="order"/> is each member's permutation of its <paramref name="rows"/> rows, (M, N), or (N) for one net; null when the rows are taken in order.</summary>
    public void Epoch(Tensor? order, long rows, long batch)
    {
        long[]? indices = order is null ? null : order.data<long>().ToArray();
        if (indices is not null && indices.LongLength != rows * states.Length)
            throw new ArgumentException($"An order of {indices.LongLength} rows for {states.Length} nets of {rows} rows.", nameof(order));
        for (int m = 0; m < states.Length; m++)
        {
            ulong h = states[m];
            h = Mix(h, (ulong)rows);
            h = Mix(h, (ulong)batch);
            if (indices is null)
                h = Mix(h, ulong.MaxValue); // in order
            else
                for (long i = m * rows, end = i + rows; i < end; i++)
                    h = Mix(h, (ulong)indices[i]);
            states[m] = h;
        }
    }

    /// <summary>The loop's digest: the wrapping sum of every member's.</summary>
    public ulong Digest
    {
        get
        {
            ulong sum = 0;
            foreach (ulong state in states) sum = unchecked(sum + Finish(state));
            return sum;
        }
    }

    /// <summary>A run's digest from its loops' (or its parts'), in any order.</summary>
    public static ulong Combine(IEnumerable<ulong> digests) => digests.Aggregate(0UL, (sum, d) => unchecked(sum + d));

    /// <summary>
    /// The written digest of a run made of parts that trained disjoint nets (a sharded run's
    /// part-runs): their sum; null when any part recorded none.
    /// </summary>
    public static string? Sum(IEnumerable<string?> parts)
    {
        var digests = parts.Select(Parse).ToList();
        return digests.All(d => d is not null) ? Format(Combine(digests.Select(d => d!.Value))) : null;
    }

    /// <summary>As run records and golden files write it: 16 lowercase hex digits.</summary>
    public static string Format(ulong digest) => digest.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The inverse of <see cref="Format"/>; null for anything else.</summary>
    public static ulong? Parse(string? text) =>
        text is { Length: 16 } && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value) ? value : null;

    /// <summary>FNV-1a over whole 64-bit values rather than bytes.</summary>
    private static ulong Mix(ulong h, ulong value) => unchecked((h ^ value) * Core.Seeds.FnvPrime);

    /// <summary>SplitMix64's finaliser, so that a sum of member digests does not cancel structure.</summary>
    private static ulong Finish(ulong h)
    {
        unchecked
        {
            h ^= h >> 30; h *= 0xbf58476d1ce4e5b9;
            h ^= h >> 27; h *= 0x94d049bb133111eb;
            return h ^ (h >> 31);
        }
    }
}
