namespace Homework.Tests.Unit.Core;

/// <summary>
/// Counts how many pieces of work run at once, without depending on the machine's timing: every
/// piece holds on until <c>expected</c> pieces have been running together once (or a long timeout
/// passes). A scheduler that runs fewer at once then shows as a smaller <see cref="Most"/>, however
/// busy the machine, instead of a test that passes or fails with the thread pool's mood.
/// </summary>
public sealed class Overlap(int expected)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ManualResetEventSlim reached = new(false);
    private int now;
    private int most;

    /// <summary>The most pieces seen running at once.</summary>
    public int Most => Volatile.Read(ref most);

    /// <summary>Runs one piece: counts it in, waits for the expected overlap once, holds briefly and counts it out.</summary>
    public void Work()
    {
        int running = Interlocked.Increment(ref now);
        int seen;
        while (running > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, running, seen) != seen) { }
        if (running >= expected) reached.Set();
        reached.Wait(Patience);
        // Long enough for a scheduler that lets too many run to be seen doing it.
        Thread.Sleep(20);
        Interlocked.Decrement(ref now);
    }
}
