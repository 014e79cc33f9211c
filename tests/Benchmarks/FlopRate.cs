using System.Diagnostics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Homework.Experiments.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>A benchmark parameter that knows the floating-point work of one benchmark operation.</summary>
public interface IFlopCase
{
    /// <summary>FLOPs of one operation (counted from the shapes; see <c>Homework.Models.FlopCounts</c>).</summary>
    double Flops { get; }

    /// <summary>Independent nets one operation trains (1 for a single net).</summary>
    int Members { get; }
}

/// <summary>
/// The single-thread sgemm rate of this machine (C = A·B, 2048 x 2048, float32), measured once
/// per process: the arithmetic limit the FLOP rates are compared with. The fastest of 7 products
/// after one warm-up, with one LibTorch thread (the thread count in force is restored), timed by
/// the thread's CPU time (<see cref="ThreadClock"/>): on a machine shared with other jobs, wall
/// time would measure the waiting for a core, and the fastest run is the least disturbed one,
/// so this is the machine's rate, not the load's. Benchmarks timed by wall time therefore get
/// a conservative share of it.
/// </summary>
public static class SgemmPeak
{
    private static readonly Lazy<double> Rate = new(Measure, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>GFLOP/s.</summary>
    public static double GflopsPerSecond => Rate.Value;

    public const int Size = 2048;

    /// <summary>2·n³ FLOPs of one n x n product.</summary>
    public static double Flops => 2.0 * Size * Size * Size;

    private static double Measure()
    {
        int threads = get_num_threads();
        set_num_threads(1);
        try
        {
            using var g = new Generator(1);
            using var a = randn([Size, Size], generator: g);
            using var b = randn([Size, Size], generator: g);
            var seconds = new List<double>();
            for (int i = 0; i < 8; i++)
            {
                var clock = Stopwatch.StartNew();
                double cpu = ThreadClock.Seconds;
                using (var c = a.mm(b)) { }
                double elapsed = double.IsNaN(cpu) ? clock.Elapsed.TotalSeconds : ThreadClock.Seconds - cpu;
                if (i > 0) seconds.Add(elapsed);
            }
            return Flops / seconds.Min() / 1e9;
        }
        finally
        {
            set_num_threads(threads);
        }
    }
}

/// <summary>
/// Columns computed from a benchmark's mean time and its <see cref="IFlopCase"/> parameter:
/// time per member (what one of M stacked nets costs a step), achieved GFLOP/s, and that rate
/// as a share of the single-thread sgemm peak (<see cref="SgemmPeak"/>, measured in the same
/// process after the benchmarks).
/// </summary>
public sealed class FlopRateColumn(FlopRateColumn.Kind kind) : IColumn
{
    public enum Kind { PerMember, Gflops, PeakShare }

    public string Id => $"{nameof(FlopRateColumn)}.{kind}";

    public string ColumnName => kind switch
    {
        Kind.PerMember => "per member",
        Kind.Gflops => "GFLOP/s",
        _ => "of 1-thread sgemm peak",
    };

    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => (int)kind;
    public bool IsNumeric => true;
    public UnitType UnitType => kind == Kind.PerMember ? UnitType.Time : UnitType.Dimensionless;

    public string Legend => kind switch
    {
        Kind.PerMember => "Mean divided by the number of nets trained in one operation",
        Kind.Gflops => "FLOPs of the operation (from the shapes; a training step is 6 FLOPs per multiply-add and sample) per second",
        _ => $"GFLOP/s as a share of one thread's sgemm {SgemmPeak.Size}x{SgemmPeak.Size} rate, measured in this process: {SgemmPeak.GflopsPerSecond:0.0} GFLOP/s (fastest of 7 by thread CPU time)",
    };

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var flopCase = benchmarkCase.Parameters.Items.Select(p => p.Value).OfType<IFlopCase>().FirstOrDefault();
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (flopCase is null || meanNs is not { } ns || ns <= 0) return "-";
        double gflops = flopCase.Flops / ns; // FLOP per ns = GFLOP/s
        return kind switch
        {
            Kind.PerMember => FormatTime(ns / flopCase.Members),
            Kind.Gflops => gflops.ToString(gflops < 10 ? "0.00" : "0.0", System.Globalization.CultureInfo.InvariantCulture),
            _ => (gflops / SgemmPeak.GflopsPerSecond).ToString("0.0%", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static string FormatTime(double ns) => ns switch
    {
        >= 1e6 => $"{ns / 1e6:0.00} ms",
        >= 1e3 => $"{ns / 1e3:0.0} μs",
        _ => $"{ns:0} ns",
    };

    public override string ToString() => ColumnName;
}

/// <summary>
/// Adds the three <see cref="FlopRateColumn"/>s to a benchmark class (<c>[Config(typeof(FlopRateConfig))]</c>),
/// and room for the case names (BenchmarkDotNet cuts parameter values to 20 characters by default).
/// </summary>
public sealed class FlopRateConfig : ManualConfig
{
    public FlopRateConfig()
    {
        AddColumn(
            new FlopRateColumn(FlopRateColumn.Kind.PerMember),
            new FlopRateColumn(FlopRateColumn.Kind.Gflops),
            new FlopRateColumn(FlopRateColumn.Kind.PeakShare));
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(64));
    }
}
