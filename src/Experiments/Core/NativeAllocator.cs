using System.Runtime.InteropServices;

namespace Homework.Experiments.Core;

/// <summary>
/// Keeps the C library's allocator from handing every tensor buffer back to the kernel.
/// </summary>
/// <remarks>
/// <para>
/// LibTorch allocates tensor storage with the C library's <c>malloc</c>. With glibc's defaults a
/// block of more than 128 KiB (the dynamic threshold grows only up to the largest block freed)
/// is mapped on its own and unmapped when freed, and free memory at the top of the heap beyond
/// 128 KiB is returned to the kernel. A training step here allocates and frees the same few
/// buffers of tens to hundreds of KiB thousands of times, so each step took fresh pages from the
/// kernel, which zeroes them: a profile of the minimal-ratio training (50 stacked 57-parameter
/// nets, double precision) spent about a fifth of its time in the kernel's page-fault and
/// page-clearing code.
/// </para>
/// <para>
/// <see cref="KeepFreedMemory"/> raises the mapping threshold to glibc's largest (32 MiB) and the
/// trim threshold to 1 GiB (<c>mallopt(M_MMAP_THRESHOLD)</c>, <c>mallopt(M_TRIM_THRESHOLD)</c>),
/// so freed buffers are reused from the heap. It changes where buffers live, not what is
/// computed: LibTorch aligns every buffer itself, and results are bit for bit the same (compared
/// per experiment on one machine). A user who tunes the allocator (<c>GLIBC_TUNABLES</c> with a
/// malloc setting, or <c>MALLOC_MMAP_THRESHOLD_</c> / <c>MALLOC_TRIM_THRESHOLD_</c>) is left alone,
/// and so is every C library other than glibc; <c>HOMEWORK_ALLOCATOR=system</c> keeps the C library's
/// defaults (for measuring what the settings gain).
/// </para>
/// </remarks>
public static class NativeAllocator
{
    public const string Variable = "HOMEWORK_ALLOCATOR";

    /// <summary>glibc's <c>M_TRIM_THRESHOLD</c>.</summary>
    private const int TrimThreshold = -1;

    /// <summary>glibc's <c>M_MMAP_THRESHOLD</c>.</summary>
    private const int MmapThreshold = -3;

    /// <summary>The largest mapping threshold glibc accepts on 64-bit systems (<c>HEAP_MAX_SIZE / 2</c>).</summary>
    public const int MappingThresholdBytes = 32 << 20;

    public const int TrimThresholdBytes = 1 << 30;

    /// <summary>
    /// Applies the settings above once per process; returns what it did, e.g.
    /// "glibc: mmap threshold 32 MiB, trim threshold 1024 MiB" or why it did nothing.
    /// </summary>
    public static string KeepFreedMemory()
    {
        switch (Environment.GetEnvironmentVariable(Variable))
        {
            case null or "" or "keep": break;
            case "system": return $"system default ({Variable}=system)";
            case var other: throw new UsageException($"{Variable}={other} is not a valid setting: use keep (the default) or system.");
        }
        if (!OperatingSystem.IsLinux()) return "system default (not Linux)";
        if (UserTuned()) return "user's settings (GLIBC_TUNABLES or MALLOC_*_ set)";
        try
        {
            if (gnu_get_libc_version() == IntPtr.Zero) return "system default (not glibc)";
            bool mapping = mallopt(MmapThreshold, MappingThresholdBytes) == 1;
            bool trim = mallopt(TrimThreshold, TrimThresholdBytes) == 1;
            return mapping && trim
                ? $"glibc: mmap threshold {MappingThresholdBytes >> 20} MiB, trim threshold {TrimThresholdBytes >> 20} MiB"
                : "glibc refused the settings; its defaults apply";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return "system default (not glibc)";
        }
    }

    private static bool UserTuned() =>
        (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "").Contains("glibc.malloc.", StringComparison.Ordinal)
        || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
        || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null;

    [DllImport("libc")]
    private static extern int mallopt(int param, int value);

    [DllImport("libc")]
    private static extern IntPtr gnu_get_libc_version();
}
