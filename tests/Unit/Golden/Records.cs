using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

internal static class Records
{
    /// <summary>The fingerprint the sample records are produced on.</summary>
    public static Numerics Here { get; } = new(
        "GenuineIntel family 6 model 143 stepping 8 (Intel(R) Xeon(R) Processor)", "sse4.2 avx fma avx2 avx512f", "L1d 48K, L2 2048K",
        "ATEN_CPU_CAPABILITY=avx2 MKL_CBWR=AVX2 ONEDNN_MAX_CPU_ISA=AVX2", "2.10.0.0", "0.107.0.0", 1, "Debian GNU/Linux 12 (bookworm), X64, .NET 10.0.0");

    /// <summary>Another CPU, everything else equal.</summary>
    public static Numerics Elsewhere { get; } = Here with { Cpu = "AuthenticAMD family 25 model 1 stepping 1 (AMD EPYC)" };

    /// <summary>
    /// A claim record of three seeds on <see cref="Here"/> (or <paramref name="numerics"/>):
    /// per seed a boolean, a real and an integer; shared, an integer and a text.
    /// </summary>
    public static GoldenRecord Sample(Action<SortedDictionary<string, MetricValue>>? edit = null, Verdict verdict = Verdict.Reproduced, int holds = 2, Numerics? numerics = null)
    {
        var metrics = new SortedDictionary<string, MetricValue>(StringComparer.Ordinal)
        {
            ["deep/parameters"] = 571,
            ["note"] = "text",
            ["seed-0/holds"] = true,
            ["seed-0/final-loss"] = 0.001,
            ["seed-0/converged-at"] = 1200,
            ["seed-1/holds"] = true,
            ["seed-1/final-loss"] = 0.002,
            ["seed-1/converged-at"] = 1500,
            ["seed-2/holds"] = false,
            ["seed-2/final-loss"] = 0.004,
            ["seed-2/converged-at"] = 900,
        };
        edit?.Invoke(metrics);
        return new GoldenRecord("1-1/test/claim", "The report says so.", "Measured so.", ClaimKind.Finding, "quick", [1, 2], verdict, Effect, holds, 3, "key numbers", metrics)
        {
            Numerics = numerics ?? Here,
        };
    }

    /// <summary>The effect of the sample records: a mean of three seeds above 0.</summary>
    public static Effect Effect { get; } = new("a difference", 0.002, 0.001, 0.003, "95% t interval over 3 seeds", Side.Above, 0);

    /// <summary>Multiplies a per-seed metric of every seed by <paramref name="factor"/>.</summary>
    public static Action<SortedDictionary<string, MetricValue>> Scale(string metric, double factor) => m =>
    {
        foreach (string key in m.Keys.Where(k => k.EndsWith("/" + metric, StringComparison.Ordinal)).ToList())
            m[key] = m[key].Real * factor;
    };
}
