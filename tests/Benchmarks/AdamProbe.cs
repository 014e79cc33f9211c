using Homework.Experiments.Core;
using Homework.Experiments.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>
/// Adam's step by itself (<c>adam filter M</c>): the optimiser over a stack's one flat buffer, as
/// the trainers update it, every parameter with a gradient, thread CPU time per step (median of
/// 30 rounds of 100 steps, the two calls interleaved, after a third of a second of warm-up); and
/// LibTorch's in-place square root of a buffer of that size alone, the one pass of the step that
/// is not the harness's.
/// </summary>
public static class AdamProbe
{
    private const int Rounds = 30, Steps = 100;

    public static int Run(string[] args)
    {
        var (net, stacked) = Probes.Stack(args, "adam <net filter> <members>, e.g. adam \"sens mlp17k b5\" 5");
        using var model = stacked;
        using var adam = Optimizers.Adam(model.parameters(), 1e-3, flat: true);
        using var g = new Generator(3);
        using (no_grad())
            foreach (var p in model.parameters())
            {
                using var grad = p.grad!;
                using var noise = randn(p.shape, p.dtype, generator: g);
                grad.copy_(noise).mul_(0.01);
            }
        long n = model.parameters().Sum(p => p.numel());
        using var buffer = rand(n, net.Dtype, generator: g);
        Action[] calls = [adam.Step, () => buffer.sqrt_()];
        string[] names = ["Adam's step", "its square root alone"];
        Probes.WarmUp(calls);
        Console.WriteLine($"{net.Name}, stacked x{model.Members}: {n:N0} parameters ({net.Dtype}), thread CPU time per step, kernels {TorchRuntime.Kernels}");
        var timings = calls.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < Rounds; r++)
        {
            for (int k = 0; k < calls.Length; k++) // interleaved, round by round
            {
                double start = ThreadClock.Seconds;
                for (int i = 0; i < Steps; i++) calls[k]();
                timings[k].Add((ThreadClock.Seconds - start) / Steps);
            }
        }
        for (int k = 0; k < calls.Length; k++)
        {
            double median = Probes.Median(timings[k]);
            Console.WriteLine($"  {names[k],-22} {Probes.Micro(median),8}   ({median / n * 1e9:0.00} ns a parameter)");
        }
        return 0;
    }
}
