using Homework.Experiments.Core;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>
/// The minimal ratio's gradients alone (<c>tanh-mlp [--members 10,50,100] [--rounds 50]</c>): a
/// stack of its 1-4-8-1 tanh nets in float64 on 200 points, each phase's gradient through
/// autograd (the loss's backward; the squared gradient norm's double backward) and with the
/// harness's kernels (<see cref="TanhMlpGradients"/>), thread CPU time per call, the four
/// interleaved round by round. No optimiser step: the steps benchmark times the first phase's
/// whole step.
/// </summary>
public static class TanhMlpProbe
{
    private const int Points = 200, Calls = 10;
    private static readonly int[] Widths = [1, 4, 8, 1];

    public static int Run(string[] args)
    {
        var (stacks, rounds) = Probes.MembersAndRounds(args, [10, 50, 100], 50);
        TorchRuntime.UseThreads(1);
        Console.WriteLine($"Stacked 1-4-8-1 tanh nets, float64, {Points} points: thread CPU time per call ({rounds} rounds of {Calls}, the four interleaved), kernels {TorchRuntime.Kernels}");
        Console.WriteLine("| stack | loss gradient: autograd | kernels | ratio | gradient-norm gradient: autograd | kernels | ratio |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int members in stacks)
        {
            using var scope = NewDisposeScope();
            var generators = Enumerable.Range(0, members).Select(i => new Generator((ulong)(100 + i))).ToList();
            using var model = new StackedMlp(Widths, members, Activation.Tanh);
            model.InitializeMembers(generators);
            model.to(float64);
            foreach (var g in generators) g.Dispose();
            using var dataGenerator = new Generator(7);
            var x = rand([Points, 1], float64, generator: dataGenerator);
            var inputs = x.unsqueeze(0).expand(members, Points, 1);
            var targets = randn([Points, 1], float64, generator: dataGenerator).unsqueeze(0).expand(members, Points, 1);
            var parameters = model.parameters().Cast<Tensor>().ToList();

            Tensor Losses() => nn.functional.mse_loss(model.forward(inputs), targets, nn.Reduction.None).reshape(members, -1).mean([1]);
            var timings = new List<double>[4];
            for (int k = 0; k < 4; k++) timings[k] = [];
            Action[] calls =
            [
                () => Losses().sum().backward(),
                () => TanhMlpGradients.MeanSquaredError(model, inputs, targets),
                () =>
                {
                    var gradients = autograd.grad([Losses().sum()], parameters, retain_graph: true, create_graph: true);
                    stack(gradients.Select(g => g.reshape(members, -1).square().sum(1)).ToList(), 1).sum(1).sum().backward();
                },
                () => TanhMlpGradients.GradientNormSquared(model, inputs, targets),
            ];
            Probes.WarmUp(calls);
            for (int r = 0; r <= rounds; r++)
            {
                for (int k = 0; k < calls.Length; k++)
                {
                    double start = ThreadClock.Seconds;
                    for (int i = 0; i < Calls; i++)
                    {
                        using var inner = NewDisposeScope();
                        foreach (var p in parameters) p.grad?.zero_();
                        calls[k]();
                    }
                    if (r > 0) timings[k].Add((ThreadClock.Seconds - start) / Calls); // round 0 warms up
                }
            }
            double[] m = [.. timings.Select(Probes.Median)];
            Console.WriteLine($"| x{members} | {Probes.Micro(m[0])} | {Probes.Micro(m[1])} | {m[1] / m[0]:0.00} | {Probes.Micro(m[2])} | {Probes.Micro(m[3])} | {m[3] / m[2]:0.00} |");
        }
        return 0;
    }

}
