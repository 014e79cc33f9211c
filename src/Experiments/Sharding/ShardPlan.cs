using System.Security.Cryptography;
using System.Text;
using Homework.Experiments.Core;

namespace Homework.Experiments.Sharding;

/// <summary>
/// One unit of work of a sharded run: a whole experiment, or a part of one where the experiment
/// declares a split (<see cref="ExperimentSplit{TConfig, TResult}"/>, e.g. <c>mnist-cnn</c> by net).
/// </summary>
/// <param name="Key">The part's key (<c>cnn-1</c>), or null for a whole experiment.</param>
/// <param name="Config">What this unit trains: the part's config, or the whole config.</param>
/// <param name="Whole">The whole experiment's config, of which this unit is a part (or all).</param>
/// <param name="EstimatedSeconds">The cost the plan balances by (<see cref="IExperimentConfig.EstimatedSeconds"/> of <paramref name="Config"/>).</param>
public sealed record WorkUnit(Experiment Experiment, string? Key, object Config, object Whole, double EstimatedSeconds)
{
    /// <summary>The folder name of a whole experiment's part-run (a part's is its key).</summary>
    public const string WholeFolder = "whole";

    /// <summary><c>mnist-cnn/cnn-1</c> for a part, <c>function-fitting</c> for a whole experiment: the name in plans, records and messages.</summary>
    public string Id => Key is null ? Experiment.Name : $"{Experiment.Name}/{Key}";

    /// <summary>The part-run's folder name inside its slot.</summary>
    public string FolderName => Key ?? WholeFolder;
}

/// <summary>
/// Which shard trains which unit. Units are the experiments of a selection, each split into its
/// declared parts; they are assigned greedily, largest estimated cost first, each to the shard with
/// the least estimated work so far (ties: the lower shard, the earlier unit), the classic
/// longest-processing-time rule, which keeps the longest shard within 4/3 of the best possible.
/// Deterministic: every shard of a CI matrix computes the same plan from the same code and configs
/// without talking to the others, and every part-run records it (<see cref="PlanRecord"/>), so the
/// merge step checks that its inputs come from one plan instead of trusting that they do.
/// </summary>
public sealed class ShardPlan
{
    private readonly int[] shardOf;

    private ShardPlan(Profile profile, string selection, int count, IReadOnlyList<WorkUnit> units, int[] shardOf)
    {
        Profile = profile;
        Selection = selection;
        Count = count;
        Units = units;
        this.shardOf = shardOf;
        Id = ComputeId();
    }

    public Profile Profile { get; }

    /// <summary>What <c>run</c> was given: <c>all</c> or one experiment's name.</summary>
    public string Selection { get; }

    /// <summary>The number of shards, n.</summary>
    public int Count { get; }

    /// <summary>Every unit, experiments in catalog order and parts in their split's order.</summary>
    public IReadOnlyList<WorkUnit> Units { get; }

    /// <summary>A short name of the plan: the first 12 hex digits of the SHA-256 of its profile, selection, shard count and units.</summary>
    public string Id { get; }

    /// <summary>
    /// The plan for <paramref name="shards"/> shards of <paramref name="work"/> (each experiment
    /// with its resolved, validated config) at <paramref name="profile"/>.
    /// </summary>
    public static ShardPlan Create(IReadOnlyList<(Experiment Experiment, object Config)> work, Profile profile, int shards, string selection)
    {
        if (shards is < 1 or > Shard.MaxCount)
            throw new UsageException($"A sharded run needs 1 to {Shard.MaxCount} shards; got {shards}.");
        var units = new List<WorkUnit>();
        foreach (var (experiment, config) in work)
        {
            var parts = experiment.PartsOf(config);
            if (parts.Count == 0)
            {
                units.Add(new WorkUnit(experiment, null, config, config, experiment.EstimatedSeconds(config)));
                continue;
            }
            foreach (var (key, part) in parts)
            {
                CheckKey(experiment, key);
                units.Add(new WorkUnit(experiment, key, part, config, experiment.EstimatedSeconds(part)));
            }
            if (parts.Select(p => p.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count() != parts.Count)
                throw new UsageException($"{experiment.Name} cannot be split by {experiment.SplitBy} for a sharded run: two parts share a name ({string.Join(", ", parts.Select(p => p.Key))}). Give them distinct names with --set.");
        }

        // Longest processing time first: largest estimate first, then catalog order; each unit to
        // the least-loaded shard, the lowest on a tie.
        var load = new double[shards];
        int[] assignment = new int[units.Count];
        foreach (int u in Enumerable.Range(0, units.Count).OrderByDescending(u => units[u].EstimatedSeconds).ThenBy(u => u))
        {
            int least = 0;
            for (int s = 1; s < shards; s++)
                if (load[s] < load[least]) least = s;
            assignment[u] = least + 1;
            load[least] += units[u].EstimatedSeconds;
        }
        return new ShardPlan(profile, selection, shards, units, assignment);
    }

    /// <summary>The shard (1 to n) that trains <paramref name="unit"/>.</summary>
    public int ShardOf(WorkUnit unit) => shardOf[IndexOf(unit)];

    /// <summary>The units shard <paramref name="shard"/> trains, in catalog order (empty when there are more shards than units).</summary>
    public IReadOnlyList<WorkUnit> UnitsOf(int shard) => Units.Where((_, i) => shardOf[i] == shard).ToList();

    /// <summary>The estimated seconds of shard <paramref name="shard"/>'s units added up.</summary>
    public double EstimatedSeconds(int shard) => UnitsOf(shard).Sum(u => u.EstimatedSeconds);

    /// <summary>
    /// The folder, under <c>runs/&lt;experiment&gt;/parts/</c>, of the part-runs of <paramref name="whole"/>:
    /// the profile for the preset's parts, <c>&lt;profile&gt;-&lt;config hash&gt;</c> otherwise, as whole runs are named.
    /// </summary>
    public static string Slot(Experiment experiment, object whole, Profile profile) =>
        ConfigIdentity.Same(whole, experiment.PresetOf(profile)) ? profile.Slug() : $"{profile.Slug()}-{ConfigIdentity.Hash(whole)}";

    /// <summary>What every part-run of this plan records.</summary>
    public PlanRecord ToRecord() => new(Id, Selection, Count,
        Units.Select((u, i) => new PlannedUnit(u.Id, shardOf[i], ConfigIdentity.Hash(u.Whole), Math.Round(u.EstimatedSeconds, 1))).ToArray());

    private int IndexOf(WorkUnit unit)
    {
        for (int i = 0; i < Units.Count; i++)
            if (ReferenceEquals(Units[i], unit)) return i;
        throw new ArgumentException($"{unit.Id} is not a unit of this plan.", nameof(unit));
    }

    private string ComputeId()
    {
        var identity = new PlanIdentity(Profile.Slug(), Selection, Count,
            Units.Select((u, i) => new PlanIdentityUnit(u.Id, shardOf[i], ConfigIdentity.Hash(u.Whole))).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Json.Compact(identity))))[..ConfigIdentity.HashLength];
    }

    /// <summary>
    /// A part's key names its folder: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, not first
    /// (a leading dot is how the run folders mark their temporary siblings).
    /// </summary>
    private static void CheckKey(Experiment experiment, string key)
    {
        bool usable = key.Length is > 0 and <= 64 && key[0] != '.' && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
        if (!usable)
            throw new UsageException(
                $"{experiment.Name} cannot be split by {experiment.SplitBy} for a sharded run: the part name '{key}' is not usable as a folder name " +
                "(letters, digits, '-', '_' and '.', not first; at most 64). Rename it with --set, or run without --shard.");
    }

    /// <summary>What the plan's id is computed from: everything that makes two shards' part-runs belong together, not the cost estimates.</summary>
    private sealed record PlanIdentity(string Profile, string Selection, int Shards, PlanIdentityUnit[] Units);

    private sealed record PlanIdentityUnit(string Unit, int Shard, string Config);
}
