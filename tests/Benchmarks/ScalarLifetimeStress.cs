using System.Diagnostics;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>
/// Trains small nets on several threads while another thread forces garbage collections, all
/// pinned to one core so that threads are preempted inside native calls: the conditions under
/// which a Scalar that only a finalizer frees is freed while LibTorch still reads it (see
/// <c>Homework.Experiments.Core.ScalarArithmetic</c>). <c>--optimizer torchsharp</c> runs
/// TorchSharp's own <c>optim.Adam</c> for comparison.
/// </summary>
public static class ScalarLifetimeStress
{
    private const int Workers = 6;

    public static int Run(string[] args)
    {
        double seconds = 120;
        string optimizer = "harness";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out seconds) && seconds > 0:
                    i++;
                    break;
                case "--optimizer" when i + 1 < args.Length && args[i + 1] is "harness" or "torchsharp":
                    optimizer = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'. Usage: stress [--seconds N] [--optimizer harness|torchsharp]");
                    return 2;
            }
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
            Process.GetCurrentProcess().ProcessorAffinity = 1;
        Console.WriteLine($"Scalar lifetime stress: {optimizer} Adam, {Workers} training threads and a collecting thread on one core, {seconds:0} s");

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long steps = 0;
        Exception? failure = null;
        var collector = Task.Run(() => { while (!stop.IsCancellationRequested) GC.Collect(0); });
        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(() =>
        {
            try
            {
                using var generator = new Generator((ulong)worker);
                using var model = new Mlp([1, 10, 1], Activation.Tanh).InitializeWith(generator);
                using var x = rand([64, 1], generator: generator);
                using IOptimizer adam = optimizer == "harness"
                    ? Optimizers.Adam(model.parameters(), 1e-3)
                    : new TorchSharpAdam(optim.Adam(model.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8));
                while (!stop.IsCancellationRequested)
                {
                    using var scope = NewDisposeScope();
                    adam.ZeroGrad();
                    model.forward(x).mean().backward();
                    adam.Step();
                    Interlocked.Increment(ref steps);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                stop.Cancel();
            }
        })).ToArray();
        Task.WaitAll([collector, .. workers]);

        if (failure is not null)
        {
            Console.WriteLine($"FAILED after {clock.Elapsed.TotalSeconds:0.0} s, {steps:N0} steps, {GC.CollectionCount(0):N0} collections: {failure.Message.Split('\n')[0]}");
            return 1;
        }
        Console.WriteLine($"survived {clock.Elapsed.TotalSeconds:0.0} s, {steps:N0} steps, {GC.CollectionCount(0):N0} collections");
        return 0;
    }

    private sealed class TorchSharpAdam(optim.Optimizer inner) : IOptimizer
    {
        public void ZeroGrad() => inner.zero_grad();
        public void Step() => inner.step();
        public void Dispose() => inner.Dispose();
    }
}
