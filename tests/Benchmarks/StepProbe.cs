using System.Diagnostics;
using System.Globalization;
using Homework.Experiments.Core;

namespace Homework.Benchmarks;

/// <summary>
/// Interleaved timing of the stacked steps (<c>steps [filter] [--rounds N] [--threads T]</c>): every
/// variant of a net (single, stacked xM) runs 50 steps in turn, round after round, so that a
/// change in the load of a shared machine hits all variants alike. With one thread the time is
/// the calling thread's CPU time (<see cref="ThreadClock"/>), the work itself; with more, wall
/// time. Prints the median per step and per member, the range over rounds, and the speed-up
/// per member over the single net as the median of the per-round ratios. With
/// <c>--per-parameter</c> the largest stack also runs with the optimiser updating each parameter
/// in turn instead of one flat buffer (<see cref="Homework.Experiments.Training.FlatParameters"/>);
/// with <c>--unfused-adam</c> the single net and the largest stack also run with Adam as LibTorch's
/// calls one by one instead of the harness's fused passes (the same bits).
/// </summary>
public static class StepProbe
{
    public static int Run(string[] args)
    {
        int rounds = 7, threads = 1;
        string? filter = null;
        bool perParameter = false, unfused = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--per-parameter") perParameter = true;
            else if (args[i] == "--unfused-adam") unfused = true;
            else if (args[i] == "--rounds") rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--threads") threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else filter = args[i];
        }
        TorchRuntime.UseThreads(threads);
        double peak = SgemmPeak.GflopsPerSecond;
        Console.WriteLine($"threads {threads} ({(threads == 1 ? "thread CPU time" : "wall time")}), {rounds} rounds of {NetCase.Steps} steps, kernels {TorchRuntime.Kernels}, allocator {TorchRuntime.Allocator}, sgemm 2048 1-thread peak {peak:0.0} GFLOP/s (fastest of 7, measured first)");
        Console.WriteLine("| net | variant | per step (median) | range | per member | speed-up per member | GFLOP/s | of peak | of peak, best round |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var net in NetCase.All.Where(n => filter is null || n.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            var variants = net.Members.Select(m => (Stacked: true, M: m, Flat: true, Fused: true)).Prepend((Stacked: false, M: 1, Flat: true, Fused: true)).ToList();
            if (perParameter) variants.Add((Stacked: true, M: net.Members.Max(), Flat: false, Fused: true));
            if (unfused)
            {
                variants.Add((Stacked: false, M: 1, Flat: true, Fused: false));
                variants.Add((Stacked: true, M: net.Members.Max(), Flat: true, Fused: false));
            }
            var runners = variants.Select(v => new StepRunner(net, v.Stacked, v.M, v.Flat, v.Fused)).ToList();
            foreach (var r in runners) r.Run(); // warm-up
            var times = variants.Select(_ => new List<double>()).ToList();
            for (int round = 0; round < rounds; round++)
                for (int v = 0; v < variants.Count; v++)
                {
                    var clock = Stopwatch.StartNew();
                    double cpu = ThreadClock.Seconds;
                    runners[v].Run();
                    double elapsed = threads == 1 ? ThreadClock.Seconds - cpu : clock.Elapsed.TotalSeconds;
                    times[v].Add(elapsed / NetCase.Steps);
                }
            for (int v = 0; v < variants.Count; v++)
            {
                var t = times[v];
                double median = Median(t);
                double speedUp = Median([.. Enumerable.Range(0, rounds).Select(r => times[0][r] / (t[r] / variants[v].M))]);
                double gflops = variants[v].M * net.StepFlops / median / 1e9;
                double best = variants[v].M * net.StepFlops / t.Min() / 1e9;
                Console.WriteLine($"| {net.Name} | {(variants[v].Stacked ? $"stacked x{variants[v].M}" : "single")}{(variants[v].Flat ? "" : ", per-parameter optimiser")}{(variants[v].Fused ? "" : ", Adam as LibTorch's calls")} | {Us(median)} | {Us(t.Min())}-{Us(t.Max())} | {Us(median / variants[v].M)} | {speedUp:0.00}x | {gflops:0.00} | {gflops / peak:0.0%} | {best / peak:0.0%} |");
            }
            foreach (var r in runners) r.Dispose();
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Us(double seconds) => seconds >= 1e-3 ? $"{seconds * 1e3:0.00} ms" : $"{seconds * 1e6:0} µs";
}
