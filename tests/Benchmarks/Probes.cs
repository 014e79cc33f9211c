using System.Globalization;
using Homework.Experiments.Core;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>What the probes share: the interleaved kernel probes' options (<see cref="TrunkProbe"/>, <see cref="TanhMlpProbe"/>), the net filter of the step probes, and how they summarise timings.</summary>
internal static class Probes
{
    /// <summary>
    /// <c>--members a,b,c</c> (the stack sizes) and <c>--rounds N</c>, each defaulting to the value
    /// given; any other argument is refused with the valid ones and their defaults.
    /// </summary>
    public static (int[] Members, int Rounds) MembersAndRounds(string[] args, int[] members, int rounds)
    {
        string valid = $"--members {string.Join(',', members)}, --rounds {rounds}";
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--members" && i + 1 < args.Length) members = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            else if (args[i] == "--rounds" && i + 1 < args.Length) rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else throw new ArgumentException($"Unknown option or missing value '{args[i]}'; valid: {valid}.");
        }
        return (members, rounds);
    }

    /// <summary>
    /// Runs each call for a third of a second, so that the JIT's optimised code is what the rounds
    /// after time (.NET optimises a method only some time after its first calls).
    /// </summary>
    public static void WarmUp(params Action[] calls)
    {
        foreach (var call in calls)
        {
            var warm = System.Diagnostics.Stopwatch.StartNew();
            while (warm.ElapsedMilliseconds < 333)
            {
                using var scope = TorchSharp.torch.NewDisposeScope();
                call();
            }
        }
    }

    /// <summary>The first net of <see cref="NetCase.All"/> whose name contains <paramref name="filter"/> (any case); none is an error that lists the names.</summary>
    public static NetCase Net(string filter) =>
        NetCase.All.FirstOrDefault(n => n.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No net's name contains '{filter}'; the nets: {string.Join(", ", NetCase.All.Select(n => $"\"{n.Name}\""))}.");

    /// <summary>
    /// The net named by <c>args[0]</c> (<see cref="Net"/>) as a stack of <c>args[1]</c> members,
    /// initialised from generators 0 to M − 1 and in the net's type, on one LibTorch thread: the
    /// start of the <c>parts</c> and <c>adam</c> probes.
    /// </summary>
    public static (NetCase Net, StackedModule Model) Stack(string[] args, string usage)
    {
        if (args.Length != 2 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int members) || members < 1)
            throw new ArgumentException($"Usage: {usage}");
        TorchRuntime.UseThreads(1);
        var net = Net(args[0]);
        var generators = Enumerable.Range(0, members).Select(i => new Generator((ulong)i)).ToArray();
        var model = net.Stack(members).InitializeMembers(generators);
        foreach (var g in generators) g.Dispose();
        model.to(net.Dtype);
        return (net, model);
    }

    public static double Median(IReadOnlyCollection<double> values) => values.Order().ElementAt(values.Count / 2);

    public static string Micro(double seconds) => $"{seconds * 1e6:0} µs";
}
