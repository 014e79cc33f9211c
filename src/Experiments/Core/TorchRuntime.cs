using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace Homework.Experiments.Core;

/// <summary>
/// Loads LibTorch once, with a clear error if it cannot, and with the CPU kernels pinned so
/// that training gives the same numbers on every x86-64 machine with AVX2; sets the intra-op
/// thread count of the calling thread.
/// </summary>
/// <remarks>
/// <para>
/// Kernels: LibTorch picks its vector kernels (ATen) and MKL its GEMM code path from the CPU
/// it runs on. Training a small net for thousands of steps amplifies the resulting
/// last-digit differences into different runs (measured here: an AVX-512 MKL path changed
/// final losses by 10x and flipped seeds). Before LibTorch loads, this sets
/// <c>ATEN_CPU_CAPABILITY=avx2</c>, <c>MKL_CBWR=AVX2</c> (MKL's conditional numerical
/// reproducibility) and <c>ONEDNN_MAX_CPU_ISA=AVX2</c>, which measured no slower here. A
/// variable the user already set is left alone, and <c>HOMEWORK_KERNELS=native</c> turns the
/// pinning off.
/// </para>
/// <para>
/// Threads: OpenMP and MKL thread counts are per OS thread, so every worker that trains
/// calls <see cref="UseThreads"/> first. One thread is the default: the networks here are
/// small and overhead-bound, and two threads made them 1.5-4x slower on 2 cores.
/// </para>
/// </remarks>
public static class TorchRuntime
{
    public const string KernelsVariable = "HOMEWORK_KERNELS";

    private static readonly (string Name, string Value)[] PinnedKernels =
    [
        ("ATEN_CPU_CAPABILITY", "avx2"),
        ("MKL_CBWR", "AVX2"),
        ("ONEDNN_MAX_CPU_ISA", "AVX2"),
    ];

    private static readonly Lazy<string> Version = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Makes sure LibTorch is loaded; returns its version.</summary>
    public static string EnsureLoaded() => Version.Value;

    /// <summary>"pinned to AVX2" or "native", for run records.</summary>
    public static string Kernels { get; private set; } = "not loaded";

    public static void UseThreads(int threads)
    {
        if (threads < 1)
            throw new UsageException($"The number of threads must be at least 1; got {threads}.");
        EnsureLoaded();
        torch.set_num_threads(threads);
    }

    private static string Load()
    {
        Kernels = PinKernels();
        try
        {
            torch.set_num_threads(1);
            return torch.__version__;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            string detail = (e.InnerException ?? e).Message.Split('\n')[0];
            throw new HomeworkException(
                "TorchSharp's native library (LibTorch) did not load: " + detail + " " +
                "Build the solution with `dotnet build` (the build adapts libLibTorchSharp.so to systems whose " +
                "libstdc++ predates GCC 13, such as Debian 12) and see README.md, 'Platform notes'.", e);
        }
    }

    private static string PinKernels()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(KernelsVariable), "native", StringComparison.OrdinalIgnoreCase))
            return "native";
        if (!Avx2.IsSupported || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
            return "native (no AVX2)";
        var applied = new List<string>();
        foreach (var (name, value) in PinnedKernels)
        {
            string effective = Environment.GetEnvironmentVariable(name) ?? value;
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                // LibTorch and MKL read the C environment; Environment.SetEnvironmentVariable
                // alone only changes .NET's copy on Unix.
                setenv(name, value, 0);
                Environment.SetEnvironmentVariable(name, value);
            }
            applied.Add($"{name}={effective}");
        }
        return string.Join(" ", applied);
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int setenv(string name, string value, int overwrite);
}
