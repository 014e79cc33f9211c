using System.Diagnostics;
using System.Globalization;
using Homework.Experiments.Core;

namespace Homework.Benchmarks;

/// <summary>
/// Throughput of independent trainings run side by side (<c>parallel filter M [--workers W]
/// [--threads T] [--seconds S]</c>): W threads, each training its own stack of M with T LibTorch
/// threads, for S seconds of wall time; prints member-steps per second in all. Started in two
/// processes at once it measures processes instead of threads (see tests/Benchmarks/README.md).
/// </summary>
public static class ParallelProbe
{
    public static int Run(string[] args)
    {
        string filter = args[0];
        int members = int.Parse(args[1], CultureInfo.InvariantCulture);
        int workers = 1, threads = 1;
        double seconds = 20;
        for (int i = 2; i < args.Length; i++)
        {
            if (args[i] == "--workers") workers = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--threads") threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--seconds") seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
        }
        var net = Probes.Net(filter);
        long steps = 0;
        var start = new Barrier(workers + 1);
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Factory.StartNew(() =>
        {
            TorchRuntime.UseThreads(threads);
            using var runner = new StepRunner(net, stacked: true, members);
            runner.Run(); // warm-up
            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                runner.Run();
                Interlocked.Add(ref steps, NetCase.Steps);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        start.SignalAndWait();
        var wall = Stopwatch.StartNew();
        Task.WaitAll(tasks);
        double rate = steps * members / wall.Elapsed.TotalSeconds;
        Console.WriteLine($"{net.Name}, stacked x{members}, {workers} worker(s) x {threads} thread(s), pid {Environment.ProcessId}: {rate:0} member-steps/s ({steps} steps in {wall.Elapsed.TotalSeconds:0.0} s)");
        return 0;
    }
}
