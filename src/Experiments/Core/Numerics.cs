using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Homework.Experiments.Core;

/// <summary>
/// What decides the floating-point path of a run: the CPU (vendor, family/model/stepping,
/// the instruction sets LibTorch, MKL and oneDNN dispatch on, cache sizes, which MKL and
/// oneDNN use to pick blockings), the kernel settings in force, the library versions, the
/// intra-op thread count and the platform. Two runs with equal fingerprints take the same
/// code path through every kernel, so the same config and seed give bit-identical numbers;
/// runs with different fingerprints may differ in the last bits, which thousands of training
/// steps amplify into different trajectories. Golden files record the fingerprint they were
/// accepted on, and the comparison is strict only on an equal one (see <c>Golden/Regime.cs</c>).
/// </summary>
public sealed record Numerics(
    [property: JsonPropertyOrder(0)] string Cpu,
    [property: JsonPropertyOrder(1)] string Isa,
    [property: JsonPropertyOrder(2)] string Caches,
    [property: JsonPropertyOrder(3)] string Kernels,
    [property: JsonPropertyOrder(4)] string LibTorch,
    [property: JsonPropertyOrder(5)] string TorchSharp,
    [property: JsonPropertyOrder(6)] int Threads,
    [property: JsonPropertyOrder(7)] string Platform)
{
    /// <summary>A short, stable name of the fingerprint (first 12 hex digits of a SHA-256 of its fields), for tables and messages.</summary>
    [JsonPropertyOrder(-1)]
    public string Id => Hash(Cpu, Isa, Caches, Kernels, LibTorch, TorchSharp, Threads.ToString(CultureInfo.InvariantCulture), Platform);

    /// <summary>One line for tables: "GenuineIntel 6/143/8, avx512, ATEN_CPU_CAPABILITY=avx2 ..., 1 thread (id)".</summary>
    public override string ToString() => $"{Cpu}; {Kernels}; {Threads} thread{(Threads == 1 ? "" : "s")} ({Id})";

    /// <summary>
    /// The fingerprint of this process for trainings with <paramref name="threads"/> intra-op
    /// threads. Loads LibTorch first, since loading it applies the kernel settings.
    /// </summary>
    public static Numerics Current(int threads)
    {
        string version = TorchRuntime.EnsureLoaded();
        return new Numerics(CpuInfo.Description, CpuInfo.Isa, CpuInfo.Caches, TorchRuntime.Kernels, version,
            typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown", threads,
            $"{RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}");
    }

    /// <summary>The fields that differ between two fingerprints, as "kernels: A → B" lines.</summary>
    public IReadOnlyList<string> Differences(Numerics other)
    {
        var differences = new List<string>();
        void Add(string name, string a, string b)
        {
            if (!string.Equals(a, b, StringComparison.Ordinal)) differences.Add($"{name}: {a} → {b}");
        }
        Add("cpu", Cpu, other.Cpu);
        Add("isa", Isa, other.Isa);
        Add("caches", Caches, other.Caches);
        Add("kernels", Kernels, other.Kernels);
        Add("libtorch", LibTorch, other.LibTorch);
        Add("torchsharp", TorchSharp, other.TorchSharp);
        Add("threads", Threads.ToString(CultureInfo.InvariantCulture), other.Threads.ToString(CultureInfo.InvariantCulture));
        Add("platform", Platform, other.Platform);
        return differences;
    }

    private static string Hash(params string[] fields)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', fields)));
        return Convert.ToHexString(digest, 0, 6).ToLowerInvariant();
    }
}

/// <summary>
/// The CPU as kernel dispatchers see it, read from CPUID (x86) and, on Linux, the cache sizes
/// from sysfs. Hardware flags are read directly rather than through .NET's <c>IsSupported</c>,
/// which the runtime's own settings can switch off without changing what LibTorch uses.
/// </summary>
public static class CpuInfo
{
    private static readonly Lazy<(string Description, string Isa)> Identity = new(Identify);

    /// <summary>"GenuineIntel family 6 model 143 stepping 8 (Intel(R) Xeon(R) Processor)", or the architecture elsewhere.</summary>
    public static string Description => Identity.Value.Description;

    /// <summary>The instruction-set extensions the math libraries dispatch on, e.g. "sse4.2 avx fma avx2 avx512f ...".</summary>
    public static string Isa => Identity.Value.Isa;

    /// <summary>Data and unified cache sizes per level, e.g. "L1d 48K, L2 2048K, L3 107520K"; "unknown" off Linux.</summary>
    public static string Caches { get; } = ReadCaches();

    private static (string, string) Identify()
    {
        if (!X86Base.IsSupported)
            return (RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(), "n/a");

        var (_, vendorB, vendorC, vendorD) = X86Base.CpuId(0, 0);
        string vendor = Ascii(vendorB, vendorD, vendorC);
        var (signature, _, features1, _) = X86Base.CpuId(1, 0);
        int baseFamily = (signature >> 8) & 0xF, baseModel = (signature >> 4) & 0xF, stepping = signature & 0xF;
        int family = baseFamily == 0xF ? baseFamily + ((signature >> 20) & 0xFF) : baseFamily;
        int model = baseFamily is 0x6 or 0xF ? baseModel + (((signature >> 16) & 0xF) << 4) : baseModel;

        int maxExtended = X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
        string brand = maxExtended >= unchecked((int)0x80000004)
            ? string.Concat(Enumerable.Range(2, 3).Select(i =>
            {
                var (a, b, c, d) = X86Base.CpuId(unchecked((int)0x80000000) + i, 0);
                return Ascii(a, b, c, d);
            })).Trim('\0', ' ')
            : "";

        var (_, features7B, features7C, features7D) = X86Base.CpuId(7, 0);
        int features7S1A = X86Base.CpuId(7, 1).Eax;
        bool Bit(int register, int bit) => ((register >> bit) & 1) == 1;
        var isa = new List<string>();
        void Flag(bool present, string name) { if (present) isa.Add(name); }
        Flag(Bit(features1, 20), "sse4.2");
        Flag(Bit(features1, 28), "avx");
        Flag(Bit(features1, 12), "fma");
        Flag(Bit(features7B, 5), "avx2");
        Flag(Bit(features7S1A, 4), "avx-vnni");
        Flag(Bit(features7B, 16), "avx512f");
        Flag(Bit(features7B, 17), "avx512dq");
        Flag(Bit(features7B, 30), "avx512bw");
        Flag(Bit(features7B, 31), "avx512vl");
        Flag(Bit(features7C, 11), "avx512-vnni");
        Flag(Bit(features7S1A, 5), "avx512-bf16");
        Flag(Bit(features7D, 23), "avx512-fp16");
        Flag(Bit(features7D, 24), "amx-tile");
        return ($"{vendor} family {family} model {model} stepping {stepping}" + (brand.Length > 0 ? $" ({brand})" : ""), string.Join(' ', isa));
    }

    private static string Ascii(params int[] registers) =>
        Encoding.ASCII.GetString(registers.SelectMany(BitConverter.GetBytes).ToArray());

    private static string ReadCaches()
    {
        const string root = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(root)) return "unknown";
        try
        {
            var levels = Directory.EnumerateDirectories(root, "index*")
                .Select(dir => (
                    Level: File.ReadAllText(Path.Combine(dir, "level")).Trim(),
                    Type: File.ReadAllText(Path.Combine(dir, "type")).Trim(),
                    Size: File.ReadAllText(Path.Combine(dir, "size")).Trim()))
                .Where(c => c.Type != "Instruction")
                .OrderBy(c => c.Level, StringComparer.Ordinal)
                .Select(c => $"L{c.Level}{(c.Type == "Data" ? "d" : "")} {c.Size}")
                .ToList();
            return levels.Count > 0 ? string.Join(", ", levels) : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
