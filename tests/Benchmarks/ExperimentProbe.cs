using System.Diagnostics;
using System.Globalization;
using Homework.Experiments;
using Homework.Experiments.Core;
using Homework.Experiments.Training;

namespace Homework.Benchmarks;

/// <summary>
/// The achieved FLOP rate of every experiment's training, the way the experiment trains
/// (<c>experiments [name...] [--profile quick|full] [--jobs J]</c>): runs each experiment's preset
/// through its own <c>Run</c> with a <see cref="TrainingMeter"/>, which every training loop tells its
/// steps, samples and thread CPU time (evaluations, Hessians, sensitivities and the minimal ratio's
/// double-backward phase are not counted), and prints GFLOP/s counted from the nets' shapes
/// (<c>FlopCounts</c>) against the single-thread sgemm peak measured in the same process.
/// </summary>
/// <remarks>
/// With <c>--profile full</c> each experiment runs its full preset's nets, batches and stacks with a
/// shorter schedule (<see cref="Shortened"/>): the rate of a step does not depend on how many
/// steps follow it, and the whole full profile would take an hour. Thread CPU time is the work
/// itself with one LibTorch thread (the default), so the rate is that of one core even when
/// <c>--jobs 2</c> runs two stacks side by side.
/// </remarks>
public static class ExperimentProbe
{
    /// <summary>Overrides that keep a full preset's shapes and stacks but cut its schedule.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Shortened = new Dictionary<string, string[]>
    {
        ["function-fitting"] = ["epochs=1000"],
        ["mnist-cnn"] = ["epochs=1"],
        ["optimization-paths"] = [],
        ["gradient-norm"] = ["epochs=2000"],
        ["minimal-ratio"] = ["lossEpochs=300", "gradientNormEpochs=1"],
        ["random-labels"] = ["epochs=3"],
        ["parameter-count"] = ["iterations=300"],
        ["interpolation"] = ["epochs=2", "alphaPoints=2", "endOffset=0"],
        ["sensitivity"] = ["epochs=1", "sensitivitySamples=1000"],
    };

    public static int Run(string[] args)
    {
        var profile = Profile.Quick;
        int jobs = Environment.ProcessorCount;
        var names = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--profile") profile = Profiles.Parse(args[++i]);
            else if (args[i] == "--jobs") jobs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else names.Add(args[i]);
        }
        TorchRuntime.UseThreads(1);
        double peak = SgemmPeak.GflopsPerSecond;
        Console.WriteLine($"profile {profile.Slug()}{(profile == Profile.Full ? " (shortened schedules)" : "")}, {jobs} job(s) x 1 thread, thread CPU time of the training steps, " +
                          $"kernels {TorchRuntime.Kernels}, allocator {TorchRuntime.Allocator}, sgemm 2048 1-thread peak {peak:0.0} GFLOP/s, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine("| experiment | net | stack | batch | loops | steps | GFLOP | CPU s (steps) | wall s (experiment) | GFLOP/s | of peak |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var experiment in Catalog.Experiments.Where(e => names.Count == 0 || names.Contains(e.Name)))
        {
            var overrides = profile == Profile.Full ? Shortened[experiment.Name] : [];
            var config = experiment.Configure(profile, overrides);
            var meter = new TrainingMeter();
            var clock = Stopwatch.StartNew();
            experiment.Run(config, new RunContext { Jobs = jobs, Threads = 1, Meter = meter }, profile);
            double wall = clock.Elapsed.TotalSeconds;
            var work = meter.Work;
            foreach (var group in work.GroupBy(w => (w.Net, w.Members, Batch: Math.Round((double)w.Samples / Math.Max(1, w.Steps) / w.Members))))
                Row(experiment.Name, group.Key.Net, $"x{group.Key.Members}", group.Key.Batch.ToString("0", CultureInfo.InvariantCulture), group.ToList(), null, peak);
            Row($"**{experiment.Name}**", "all", "", "", work, wall, peak);
        }
        return 0;
    }

    private static void Row(string experiment, string net, string stack, string batch, IReadOnlyList<TrainingWork> work, double? wall, double peak)
    {
        double flops = work.Sum(w => w.Flops), seconds = work.Sum(w => w.ThreadSeconds);
        double rate = flops / seconds / 1e9;
        Console.WriteLine($"| {experiment} | {net} | {stack} | {batch} | {work.Count} | {work.Sum(w => w.Steps):N0} | {flops / 1e9:0.0} | {seconds:0.0} | {(wall is { } w ? w.ToString("0.0", CultureInfo.InvariantCulture) : "")} | {rate:0.00} | {rate / peak:0.0%} |");
    }
}
