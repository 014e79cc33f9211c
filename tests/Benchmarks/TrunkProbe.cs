using Homework.Experiments.Core;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>
/// The CNN trunk on the harness's own kernels alone (<c>trunk [--members 5,10] [--rounds 100]</c>):
/// <see cref="LeNetTrunk.Apply"/> of both CNNs' stacks on a batch of 10, its forward pass
/// without gradients and forward plus backward (a fixed gradient of the features), thread CPU
/// time per call, the two interleaved round by round; the backward pass is their difference.
/// The forward's rate counts the dense multiply-adds of both convolutions
/// (<see cref="FlopCounts.CnnMultiplyAdds"/> without the linear layers) against the sgemm peak.
/// </summary>
public static class TrunkProbe
{
    private const int Batch = 10, Calls = 20;

    public static int Run(string[] args)
    {
        var (stacks, rounds) = Probes.MembersAndRounds(args, [5, 10], 100);
        TorchRuntime.UseThreads(1);
        double peak = SgemmPeak.GflopsPerSecond;
        Console.WriteLine($"LeNetTrunk, batch {Batch}, thread CPU time per call ({rounds} rounds of {Calls}, forward and forward+backward interleaved), kernels {TorchRuntime.Kernels}, sgemm 2048 1-thread peak {peak:0.0} GFLOP/s");
        Console.WriteLine("| net | stack | forward (median, fastest) | forward + backward | backward (difference of medians) | forward GFLOP/s, of peak |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var widths in new[] { new CnnWidths(4, 8, 32), new CnnWidths(8, 16, 64) })
        {
            foreach (int members in stacks)
            {
                using var scope = NewDisposeScope();
                using var g = new Generator(3);
                var images = rand([Batch, members, 28, 28], generator: g);
                var w1 = (randn([members * widths.Conv1, 1, 5, 5], generator: g) * 0.2).requires_grad_(true);
                var b1 = (randn([members * widths.Conv1], generator: g) * 0.1).requires_grad_(true);
                var w2 = (randn([members * widths.Conv2, widths.Conv1, 5, 5], generator: g) * 0.1).requires_grad_(true);
                var b2 = (randn([members * widths.Conv2], generator: g) * 0.1).requires_grad_(true);
                var upstream = randn([members, Batch, widths.Conv2 * 16], generator: g);
                Probes.WarmUp(() => { using (no_grad()) LeNetTrunk.Apply(images, w1, b1, w2, b2); },
                              () => LeNetTrunk.Apply(images, w1, b1, w2, b2).backward([upstream]));
                var forward = new List<double>();
                var both = new List<double>();
                for (int r = 0; r <= rounds; r++)
                {
                    double start = ThreadClock.Seconds;
                    using (no_grad())
                    {
                        for (int i = 0; i < Calls; i++)
                        {
                            using var inner = NewDisposeScope();
                            LeNetTrunk.Apply(images, w1, b1, w2, b2);
                        }
                    }
                    double middle = ThreadClock.Seconds;
                    for (int i = 0; i < Calls; i++)
                    {
                        using var inner = NewDisposeScope();
                        LeNetTrunk.Apply(images, w1, b1, w2, b2).backward([upstream]);
                    }
                    double end = ThreadClock.Seconds;
                    if (r == 0) continue; // warm-up
                    forward.Add((middle - start) / Calls);
                    both.Add((end - middle) / Calls);
                }
                double f = Probes.Median(forward), fb = Probes.Median(both);
                long multiplyAdds = 24L * 24 * widths.Conv1 * 25 + 8L * 8 * widths.Conv2 * widths.Conv1 * 25;
                double gflops = 2.0 * multiplyAdds * Batch * members / f / 1e9;
                Console.WriteLine($"| cnn {widths.Conv1}-{widths.Conv2} | x{members} | {Probes.Micro(f)} ({Probes.Micro(forward.Min())}) | {Probes.Micro(fb)} ({Probes.Micro(both.Min())}) | {Probes.Micro(fb - f)} | {gflops:0.0}, {gflops / peak * 100:0}% |");
            }
        }
        return 0;
    }

}
