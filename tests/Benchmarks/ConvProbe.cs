using System.Diagnostics;
using System.Globalization;
using Homework.Experiments.Core;

namespace Homework.Benchmarks;

/// <summary>
/// Interleaved timing of the convolution paths (<c>conv [--rounds N] [--threads T] [--members M]</c>):
/// forward + backward of each CNN layer for M members by every <see cref="ConvPath"/>, in turn,
/// round after round; median time per member and GFLOP/s.
/// </summary>
public static class ConvProbe
{
    public static int Run(string[] args)
    {
        int rounds = 7, threads = 1;
        int[] members = [1, 10];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds") rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--threads") threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--members") members = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        }
        TorchRuntime.UseThreads(threads);
        double peak = SgemmPeak.GflopsPerSecond;
        Console.WriteLine($"threads {threads} ({(threads == 1 ? "thread CPU time" : "wall time")}), {rounds} rounds, kernels {TorchRuntime.Kernels}, sgemm 2048 1-thread peak {peak:0.0} GFLOP/s");
        Console.WriteLine("| layer | M | path | fwd+bwd (median) | range | per member | GFLOP/s | of peak | of peak, best round |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var layer in ConvLayer.All)
            foreach (int m in members)
            {
                var paths = Enum.GetValues<ConvPath>();
                var times = paths.Select(_ => new List<double>()).ToArray();
                int calls = Math.Max(5, 100 / m);
                for (int round = 0; round < rounds + 1; round++)
                    for (int p = 0; p < paths.Length; p++)
                    {
                        using var runner = new ConvRunner(layer, paths[p], m);
                        runner.ForwardBackward();
                        var clock = Stopwatch.StartNew();
                        double cpu = ThreadClock.Seconds;
                        for (int c = 0; c < calls; c++) runner.ForwardBackward();
                        double elapsed = threads == 1 ? ThreadClock.Seconds - cpu : clock.Elapsed.TotalSeconds;
                        if (round > 0) times[p].Add(elapsed / calls);
                    }
                for (int p = 0; p < paths.Length; p++)
                {
                    var t = times[p].Order().ToList();
                    double median = t[t.Count / 2];
                    double gflops = m * layer.ForwardBackwardFlops / median / 1e9;
                    double best = m * layer.ForwardBackwardFlops / t[0] / 1e9;
                    Console.WriteLine($"| {layer.Name} | {m} | {paths[p]} | {median * 1e6:0} µs | {t[0] * 1e6:0}-{t[^1] * 1e6:0} | {median * 1e6 / m:0} µs | {gflops:0.00} | {gflops / peak:0.0%} | {best / peak:0.0%} |");
                }
            }
        return 0;
    }
}
