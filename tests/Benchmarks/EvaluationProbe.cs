using System.Globalization;
using Homework.Experiments.Core;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>
/// An evaluation pass of the stacked CNNs in chunks (<c>evaluation [--members M] [--rounds N] [--chunks 2000,500,250,100]</c>):
/// the forward pass of 2,000 images (the trainers' evaluation batch) at once and in chunks of
/// fewer images, thread CPU time per image and member, and whether the chunks' logits equal the
/// whole batch's bit for bit (a chunked evaluation then sums the same losses to the same values).
/// </summary>
public static class EvaluationProbe
{
    public static int Run(string[] args)
    {
        int members = 5, rounds = 5;
        int[] chunks = [2000, 1000, 500, 250, 100];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--members") members = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--rounds") rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--chunks") chunks = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        }
        TorchRuntime.UseThreads(1);
        const int images = 2000;
        Console.WriteLine($"evaluation forward of {images} images x {members} members, thread CPU time, {rounds} rounds, kernels {TorchRuntime.Kernels}");
        Console.WriteLine("| net | chunk | per image and member (median) | range | bit-identical to one batch |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var widths in new[] { new CnnWidths(4, 8, 32), new CnnWidths(8, 16, 64) })
        {
            using var scope = NewDisposeScope();
            var generators = Enumerable.Range(0, members).Select(i => new Generator((ulong)(5 + i))).ToArray();
            using var model = new StackedCnn(widths, members) { ChannelsLast = true }.InitializeMembers(generators);
            model.eval();
            using var noGrad = no_grad();
            using var g = new Generator(9);
            var input = rand([images, members, 28, 28], generator: g);
            Tensor Forward(int chunk) => cat([.. Enumerable.Range(0, images / chunk).Select(c => model.forward(input.narrow(0, c * chunk, chunk)))], 1);
            var reference = Forward(images);
            var times = chunks.Select(_ => new List<double>()).ToArray();
            var same = new bool[chunks.Length];
            for (int r = 0; r <= rounds; r++)
                for (int c = 0; c < chunks.Length; c++)
                {
                    using var inner = NewDisposeScope();
                    double start = ThreadClock.Seconds;
                    var output = Forward(chunks[c]);
                    double seconds = ThreadClock.Seconds - start;
                    if (r == 0) same[c] = output.bytes.SequenceEqual(reference.bytes.ToArray());
                    else times[c].Add(seconds / images / members);
                }
            for (int c = 0; c < chunks.Length; c++)
            {
                var t = times[c].Order().ToList();
                Console.WriteLine($"| cnn {widths.Conv1}-{widths.Conv2}-{widths.Hidden} x{members} | {chunks[c]} | {t[t.Count / 2] * 1e6:0.0} µs | {t[0] * 1e6:0.0}-{t[^1] * 1e6:0.0} µs | {(same[c] ? "yes" : "no")} |");
            }
            foreach (var generator in generators) generator.Dispose();
        }
        return 0;
    }
}
