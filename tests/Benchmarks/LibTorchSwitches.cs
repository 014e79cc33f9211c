using System.Runtime.InteropServices;

namespace Homework.Benchmarks;

/// <summary>
/// LibTorch's process-wide backend switches that TorchSharp 0.107.0 does not expose: PyTorch's
/// <c>torch.backends.mkldnn.enabled</c> (whether CPU convolutions may go to oneDNN) is
/// <c>at::globalContext().setUserEnabledMkldnn(bool)</c> in C++, and TorchSharp's
/// <c>torch.backends</c> has only CUDA switches. There is no environment variable for it either,
/// so this calls the C++ functions directly by their Itanium-mangled names in
/// <c>libtorch_cpu.so</c> (a non-virtual member function takes <c>this</c> as its first argument
/// on x86-64 System V). For measurements only: it is Linux-specific and tied to LibTorch's ABI.
/// </summary>
internal static class LibTorchSwitches
{
    private const string Library = "libtorch_cpu";

    [DllImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);

    /// <summary>Whether ATen may send CPU convolutions to oneDNN (mkldnn); on by default.</summary>
    public static bool Mkldnn
    {
        get => OperatingSystem.IsLinux() && UserEnabledMkldnn(GlobalContext());
        set
        {
            if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The oneDNN switch is reached through libtorch_cpu.so's C++ symbols, on Linux only.");
            SetUserEnabledMkldnn(GlobalContext(), value);
        }
    }
}
