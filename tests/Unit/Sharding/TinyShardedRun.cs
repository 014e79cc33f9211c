using Homework.Experiments;
using Homework.Experiments.Core;
using Homework.Experiments.Sharding;

namespace Homework.Tests.Unit.Sharding;

/// <summary>
/// A sharded run small enough for the unit tests, through the real <c>Run</c> code: three
/// experiments at tiny configs (mnist-cnn on 300 images for 1 epoch with 2 seeds, split by net;
/// optimization-paths and gradient-norm as whole units) in 2 shards, each shard saved into its own
/// artifacts folder as a CI runner would upload it, and the same three configs run once unsharded
/// into another. Made once per test run (a few seconds, most of it reading MNIST) and shared:
/// tests that change part-runs copy a shard first (<see cref="CopyShard"/>).
/// </summary>
public sealed class TinyShardedRun
{
    /// <summary>The experiments and the <c>--set</c> assignments that make them tiny.</summary>
    public static IReadOnlyList<(string Experiment, string[] Overrides)> Work { get; } =
    [
        ("mnist-cnn", ["epochs=3", "trainSamples=300", "testSamples=100", "seeds=[0,1]"]),
        ("optimization-paths", ["epochs=6", "seeds=[0,1]"]),
        ("gradient-norm", ["epochs=50", "seeds=[0,1]"]),
    ];

    public const int Shards = 2;

    private static readonly Lazy<TinyShardedRun> Instance = new(() => new TinyShardedRun());
    private readonly TempDirectory dir = new();

    private TinyShardedRun()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => dir.Dispose();
        Plan = ShardPlan.Create(Configs(), Profile.Quick, Shards, "all");
        for (int shard = 1; shard <= Shards; shard++)
            foreach (var unit in Plan.UnitsOf(shard))
                PartRuns.RunAndSave(unit, Plan, Context, PathsAt(ShardFolder(shard)), OverridesOf(unit.Experiment));
        foreach (var (experiment, config) in Configs())
            RunStore.RunAndSave(experiment, config, Profile.Quick, Context, PathsAt(Unsharded), OverridesOf(experiment));
    }

    /// <summary>The run, made on first use.</summary>
    public static TinyShardedRun Shared => Instance.Value;

    public ShardPlan Plan { get; }

    /// <summary>The repository root the runs record (a temporary folder outside git: revision <c>unknown</c>).</summary>
    public string Root => dir.Path;

    /// <summary>The artifacts folder shard <paramref name="shard"/> wrote (its part-runs under <c>runs/*/parts/</c>).</summary>
    public string ShardFolder(int shard) => Path.Combine(dir.Path, $"shard-{shard}");

    /// <summary>The artifacts folder of the same configs run once, unsharded.</summary>
    public string Unsharded => Path.Combine(dir.Path, "unsharded");

    /// <summary>The MNIST cache of this machine (fetched on first use, as every run does).</summary>
    public static string DataDirectory { get; } =
        Environment.GetEnvironmentVariable(ProjectPaths.DataVariable) is { Length: > 0 } data ? Path.GetFullPath(data) : ProjectPaths.DefaultDataDirectory();

    public static RunContext Context => new() { DataDirectory = DataDirectory, Jobs = 2, Threads = 1 };

    /// <summary>Paths with this run's root and <paramref name="artifacts"/> as the artifacts folder.</summary>
    public ProjectPaths PathsAt(string artifacts) => new(Root, artifacts, DataDirectory);

    public static IReadOnlyList<(Experiment Experiment, object Config)> Configs() =>
        Work.Select(w => (Catalog.Find(w.Experiment), Catalog.Find(w.Experiment).Configure(Profile.Quick, w.Overrides))).ToList();

    public static string[] OverridesOf(Experiment experiment) => Work.Single(w => w.Experiment == experiment.Name).Overrides;

    /// <summary>The folder of <paramref name="experiment"/>'s whole run under <paramref name="artifacts"/>, as one unsharded run saves it.</summary>
    public string RunFolderIn(string artifacts, Experiment experiment) =>
        RunStore.Locate(experiment, experiment.Configure(Profile.Quick, OverridesOf(experiment)), Profile.Quick, PathsAt(artifacts)).Directory;

    /// <summary>A copy of shard <paramref name="shard"/>'s artifacts folder at <paramref name="target"/>, to change without touching the shared run.</summary>
    public string CopyShard(int shard, string target)
    {
        foreach (string file in Directory.EnumerateFiles(ShardFolder(shard), "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(target, Path.GetRelativePath(ShardFolder(shard), file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }
}
