using Homework.Experiments.Core;

namespace Homework.Experiments.Sharding;

/// <summary>A part-run found on disk: its folder and its record (whose <see cref="RunInfo.Part"/> is set).</summary>
public sealed record FoundPart(string Directory, RunInfo Info)
{
    public PartRecord Part => Info.Part!;

    /// <summary>"cnn-1 (shard 1/2, in /path/to/folder)", for messages.</summary>
    public string Describe() => $"{Part.Unit} (shard {Part.Shard}/{Part.Plan.Shards}, in {Directory})";
}

/// <summary>
/// The part-runs of sharded runs: saving one (a shard's work) and finding them in the folders a
/// merge is given. A part-run is an ordinary run folder (config, record, result, saved as one
/// unit under its lock) in <c>runs/&lt;experiment&gt;/parts/&lt;slot&gt;/&lt;part&gt;/</c>
/// (<see cref="ProjectPaths.PartRunDirectory"/>), whose <c>run.json</c> says which unit, shard
/// and plan it belongs to.
/// </summary>
public static class PartRuns
{
    /// <summary>Where <paramref name="unit"/>'s part-run is saved in <paramref name="paths"/>.</summary>
    public static string Directory(WorkUnit unit, Profile profile, ProjectPaths paths) =>
        paths.PartRunDirectory(unit.Experiment.Name, ShardPlan.Slot(unit.Experiment, unit.Whole, profile), unit.FolderName);

    /// <summary>
    /// Trains <paramref name="unit"/> and saves it as a part-run of <paramref name="plan"/>. The
    /// record keeps the <c>--set</c> assignments of the whole config (absent for a preset's parts),
    /// from which the merge step rebuilds the whole config with its own code and checks it.
    /// </summary>
    public static SavedRun RunAndSave(WorkUnit unit, ShardPlan plan, RunContext context, ProjectPaths paths, IReadOnlyList<string>? overrides = null)
    {
        string dir = Directory(unit, plan.Profile, paths);
        bool presetWhole = ConfigIdentity.Same(unit.Whole, unit.Experiment.PresetOf(plan.Profile));
        var record = new PartRecord(unit.Id, plan.ShardOf(unit), plan.ToRecord());
        var (result, info) = RunStore.RunInto(dir, $"running {unit.Id} (shard {record.Shard}/{plan.Count}, {plan.Profile.Slug()} profile)",
            unit.Experiment, unit.Config, plan.Profile, context, paths,
            info => info with { Overrides = presetWhole || overrides is not { Count: > 0 } ? null : overrides.ToArray(), Part = record });
        return new SavedRun(result, info, dir, IsPreset: false);
    }

    /// <summary>
    /// Every part-run under <paramref name="folders"/>, at any depth: a shard's artifacts folder,
    /// its <c>runs/</c> folder, or a folder holding several of them (as <c>actions/download-artifact</c>
    /// leaves one subfolder per artifact). Part-runs of other profiles are left out; temporary
    /// folders of interrupted saves (names starting with a dot) are skipped, never deleted: the
    /// folders may be someone else's downloads. A part folder without all three files is refused.
    /// </summary>
    public static IReadOnlyList<FoundPart> Find(IReadOnlyList<string> folders, Profile profile)
    {
        var found = new List<FoundPart>();
        var otherProfiles = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal); // a folder given inside another is read once
        foreach (string folder in folders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            if (!System.IO.Directory.Exists(folder))
                throw new UsageException($"{folder}: no such folder. Pass the folders the shards wrote or uploaded (each an artifacts folder, or a folder of them).");
            foreach (string parts in PartsFolders(folder))
                foreach (string slot in Visible(parts))
                    foreach (string dir in Visible(slot).Where(seen.Add))
                    {
                        string rerun = "Run its shard again, or leave this folder out.";
                        foreach (string file in new[] { RunStore.ConfigFile, RunStore.InfoFile, RunStore.ResultFile })
                            if (!File.Exists(Path.Combine(dir, file)))
                                throw new HomeworkException($"{dir} is an incomplete part-run ({file} is missing). {rerun}");
                        var info = Json.Read<RunInfo>(Path.Combine(dir, RunStore.InfoFile), rerun);
                        if (info.Part is null)
                            throw new HomeworkException($"{dir} is in a parts folder but its {RunStore.InfoFile} is not a part-run's (no \"part\" record). {rerun}");
                        if (info.Profile == profile.Slug())
                            found.Add(new FoundPart(dir, info));
                        else
                            otherProfiles.Add(info.Profile);
                    }
        }
        if (found.Count == 0)
            throw new UsageException(
                $"No part-runs of the {profile.Slug()} profile in {string.Join(", ", folders)}" +
                (otherProfiles.Count > 0 ? $" (there are part-runs of the {string.Join(" and ", otherProfiles)} profile: pass --profile {otherProfiles.First()})." :
                    ": pass the folders that `run ... --shard i/n` wrote (their runs/<experiment>/parts/), or the folder the shards' artifacts were downloaded into."));
        return found;
    }

    /// <summary>The <c>parts</c> folders under <paramref name="root"/> that hold part-runs (<c>&lt;experiment&gt;/parts</c>), skipping hidden folders.</summary>
    private static IEnumerable<string> PartsFolders(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 8, AttributesToSkip = 0, IgnoreInaccessible = true };
        var all = System.IO.Directory.EnumerateDirectories(root, ProjectPaths.PartsFolder, options)
            .Where(d => !Path.GetRelativePath(root, d).Split(Path.DirectorySeparatorChar).Any(segment => segment.StartsWith('.')));
        if (Path.GetFileName(root) == ProjectPaths.PartsFolder) all = all.Prepend(root);
        return all.Order(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Visible(string folder) =>
        System.IO.Directory.EnumerateDirectories(folder).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal);
}
