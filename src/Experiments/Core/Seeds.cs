namespace Homework.Experiments.Core;

/// <summary>
/// Derives the seed of one training from the run's seed and what is trained, so that
/// every (seed, model, function) pair has its own generator and the result does not
/// depend on the order or the thread it runs on. Uses FNV-1a, which, unlike
/// <c>string.GetHashCode</c>, is the same in every process.
/// </summary>
public static class Seeds
{
    /// <summary>FNV-1a's 64-bit offset basis and prime (also <see cref="Training.BatchOrder"/>'s).</summary>
    internal const ulong FnvOffset = 14695981039346656037UL, FnvPrime = 1099511628211UL;

    public static ulong Derive(int seed, params string[] parts)
    {
        ulong hash = FnvOffset;
        void Mix(byte b) { hash ^= b; hash *= FnvPrime; }
        foreach (byte b in BitConverter.GetBytes(seed)) Mix(b);
        foreach (string part in parts)
        {
            Mix(0);
            foreach (char c in part) { Mix((byte)c); Mix((byte)(c >> 8)); }
        }
        return hash & 0x7FFF_FFFF_FFFF_FFFFUL;
    }
}
