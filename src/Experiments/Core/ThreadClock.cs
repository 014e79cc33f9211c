using System.Runtime.InteropServices;

namespace Homework.Experiments.Core;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>). On a machine shared
/// with other jobs, wall time mostly measures how long the thread waited for a core; with one
/// LibTorch thread every kernel runs on the calling thread, so its CPU time is the work itself
/// (still slowed by what other jobs do to the caches, but not by waiting). The trainers time
/// their steps with it for <see cref="Training.ITrainingMeter"/>; the benchmarks time kernels.
/// </summary>
public static class ThreadClock
{
    private const int ThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Seconds of CPU time the calling thread has used; NaN where the clock is missing.</summary>
    public static double Seconds
    {
        get
        {
            if (!OperatingSystem.IsLinux() || ClockGetTime(ThreadCpuTime, out var t) != 0) return double.NaN;
            return t.Seconds + t.Nanoseconds * 1e-9;
        }
    }
}
