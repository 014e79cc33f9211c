using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace Homework.Experiments.Core;

/// <summary>
/// Loads LibTorch once, with a clear error if it cannot, with the CPU kernels pinned to AVX2
/// where that is possible, and optionally with oneDNN switched off; sets the intra-op thread
/// count of the calling thread.
/// </summary>
/// <remarks>
/// <para>
/// Kernels: LibTorch picks its vector kernels (ATen), MKL its GEMM code path and oneDNN its
/// convolution code from the CPU it runs on. Training a small net for thousands of steps
/// amplifies the resulting last-digit differences into different runs. Before LibTorch loads,
/// this sets <c>ATEN_CPU_CAPABILITY=avx2</c>, <c>MKL_CBWR=AVX2</c> (MKL's conditional
/// numerical reproducibility) and <c>ONEDNN_MAX_CPU_ISA=AVX2</c>, which narrows the paths
/// that differ between CPUs but does not close them: MKL and oneDNN still choose blockings by
/// vendor, model and cache size, so an Intel and an AMD machine can still disagree in the last
/// bits. That is why golden files record the <see cref="Numerics"/> fingerprint and are only
/// compared bit for bit on an equal one. A variable the user already set is left alone;
/// <c>HOMEWORK_KERNELS=native</c> turns the pinning off.
/// </para>
/// <para>
/// <c>HOMEWORK_ONEDNN=off</c> makes LibTorch use its own convolution kernels instead of
/// oneDNN's (LibTorch's <c>torch.backends.mkldnn.enabled = False</c>, which TorchSharp does
/// not expose, so it is reached through the C++ entry point of libtorch_cpu). Together with
/// the variables above it gives several floating-point paths on one machine, stand-ins for
/// other CPUs when checking that the golden comparison is portable.
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
    public const string OneDnnVariable = "HOMEWORK_ONEDNN";

    private static readonly (string Name, string Value)[] PinnedKernels =
    [
        ("ATEN_CPU_CAPABILITY", "avx2"),
        ("MKL_CBWR", "AVX2"),
        ("ONEDNN_MAX_CPU_ISA", "AVX2"),
    ];

    /// <summary>Variables that change which kernels LibTorch, MKL or oneDNN run, recorded whenever they are set.</summary>
    private static readonly string[] KernelVariables =
    [
        "ATEN_CPU_CAPABILITY", "MKL_CBWR", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS",
        "MKL_DEBUG_CPU_TYPE", "ONEDNN_DEFAULT_FPMATH_MODE", "DNNL_DEFAULT_FPMATH_MODE",
    ];

    private static readonly Lazy<string> Version = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Makes sure LibTorch is loaded; returns its version.</summary>
    public static string EnsureLoaded() => Version.Value;

    /// <summary>
    /// The kernel settings in force once LibTorch is loaded, e.g.
    /// "ATEN_CPU_CAPABILITY=avx2 MKL_CBWR=AVX2 ONEDNN_MAX_CPU_ISA=AVX2" or "native, oneDNN off":
    /// part of every run's <see cref="Numerics"/> fingerprint.
    /// </summary>
    public static string Kernels { get; private set; } = "not loaded";

    /// <summary>What <see cref="NativeAllocator.KeepFreedMemory"/> did when LibTorch loaded, for benchmarks and diagnostics.</summary>
    public static string Allocator { get; private set; } = "not loaded";

    public static void UseThreads(int threads)
    {
        if (threads < 1)
            throw new UsageException($"The number of threads must be at least 1; got {threads}.");
        EnsureLoaded();
        torch.set_num_threads(threads);
    }

    private static string Load()
    {
        bool oneDnnOff = OneDnnSetting();
        PinKernels();
        Allocator = NativeAllocator.KeepFreedMemory();
        string version;
        try
        {
            torch.set_num_threads(1);
            version = torch.__version__;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            string detail = (e.InnerException ?? e).Message.Split('\n')[0];
            throw new HomeworkException(
                "TorchSharp's native library (LibTorch) did not load: " + detail + " " +
                "Build the solution with `dotnet build` (the build adapts libLibTorchSharp.so to systems whose " +
                "libstdc++ predates GCC 13, such as Debian 12) and see README.md, 'Platform notes'.", e);
        }
        if (oneDnnOff)
            LibTorchContext.DisableOneDnn();
        var settings = KernelVariables.Select(name => (name, value: Environment.GetEnvironmentVariable(name)))
            .Where(v => !string.IsNullOrEmpty(v.value)).Select(v => $"{v.name}={v.value}").ToList();
        if (settings.Count == 0) settings.Add("native");
        if (oneDnnOff) settings.Add("oneDNN off");
        Kernels = string.Join(' ', settings);
        return version;
    }

    private static bool OneDnnSetting() => Environment.GetEnvironmentVariable(OneDnnVariable) switch
    {
        null or "" or "on" => false,
        "off" => true,
        var other => throw new UsageException($"{OneDnnVariable}={other} is not a valid setting: use on (the default) or off."),
    };

    private static void PinKernels()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(KernelsVariable), "native", StringComparison.OrdinalIgnoreCase))
            return;
        if (!Avx2.IsSupported || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
            return;
        foreach (var (name, value) in PinnedKernels)
        {
            if (Environment.GetEnvironmentVariable(name) is not null) continue;
            // LibTorch and MKL read the C environment; Environment.SetEnvironmentVariable
            // alone only changes .NET's copy on Unix.
            setenv(name, value, 0);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int setenv(string name, string value, int overwrite);

    /// <summary>LibTorch's global context (<c>at::globalContext()</c>), reached by its C++ (Itanium ABI) entry points.</summary>
    private static class LibTorchContext
    {
        public static void DisableOneDnn()
        {
            if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
                throw new UsageException($"{OneDnnVariable}=off is only supported on Linux and macOS.");
            try
            {
                SetUserEnabledMkldnn(GlobalContext(), false);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                throw new HomeworkException($"{OneDnnVariable}=off: LibTorch's switch for oneDNN was not found ({e.Message}).", e);
            }
            if (UserEnabledMkldnn(GlobalContext()))
                throw new HomeworkException($"{OneDnnVariable}=off: LibTorch did not switch oneDNN off.");
        }

        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
        private static extern IntPtr GlobalContext();

        [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
        private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
        [return: MarshalAs(UnmanagedType.U1)]
        private static extern bool UserEnabledMkldnn(IntPtr context);
    }
}
