using Homework.Experiments.Core;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>
/// Where a stacked step's time goes (<c>parts filter M [--threads T]</c>): thread CPU time of the
/// step cut after each stage (gather, forward, loss, backward, Adam), each prefix timed over
/// 200 steps, median of 5 rounds; the increments are the stages' costs.
/// </summary>
public static class PartsProbe
{
    public static int Run(string[] args)
    {
        var (net, stacked) = Probes.Stack(args, "parts <net filter> <members>, e.g. parts \"cnn5k b10 channels\" 10");
        using var model = stacked;
        int members = model.Members;
        using var g = new Generator(7);
        var data = net.Data(g);
        using var adam = Optimizers.Adam(model.parameters(), 1e-3, flat: true); // as the trainers update (TrainingOptions.FlatParameters)
        long n = data.Count, batch = net.FullBatch ? n : net.Batch;
        using var order = stack(Enumerable.Range(0, members).Select(_ => randperm(n, generator: g)).ToList(), 0);
        string[] stages = ["gather", "forward", "loss", "backward", "Adam"];
        var prefix = new double[stages.Length];
        for (int upTo = 0; upTo < stages.Length; upTo++)
        {
            var rounds = new List<double>();
            for (int r = 0; r < 6; r++)
            {
                double start = ThreadClock.Seconds;
                for (int i = 0; i < 200; i++)
                {
                    using var scope = NewDisposeScope();
                    long at = i * batch % n;
                    var rows = order.narrow(1, at, batch);
                    var x = net.FullBatch ? model.Broadcast(data.Inputs) : model.Gather(data.Inputs, rows);
                    var y = data.Targets.index_select(0, rows.reshape(-1));
                    if (upTo < 1) continue;
                    var output = model.forward(x);
                    if (upTo < 2) continue;
                    var each = net.Classes == 0
                        ? nn.functional.mse_loss(output.reshape(-1, 1), y, nn.Reduction.None)
                        : nn.functional.cross_entropy(output.reshape(-1, net.Classes), y, reduction: nn.Reduction.None);
                    var loss = each.view(members, -1).mean([1]).sum();
                    if (upTo < 3) continue;
                    adam.ZeroGrad();
                    loss.backward();
                    if (upTo < 4) continue;
                    adam.Step();
                }
                if (r > 0) rounds.Add((ThreadClock.Seconds - start) / 200);
            }
            rounds.Sort();
            prefix[upTo] = rounds[rounds.Count / 2];
        }
        Console.WriteLine($"{net.Name}, stacked x{members}, thread CPU time per step");
        for (int s = 0; s < stages.Length; s++)
            Console.WriteLine($"  {stages[s],-9} {(prefix[s] - (s > 0 ? prefix[s - 1] : 0)) * 1e6,8:0} µs   (cumulative {prefix[s] * 1e6:0} µs)");
        return 0;
    }
}
