using Homework.Experiments.Core;

namespace Homework.Experiments.Sharding;

/// <summary>An experiment's run written by the merge step: where, its record, and whether it is the profile's preset run.</summary>
public sealed record MergedRun(Experiment Experiment, string Directory, RunInfo Info, bool IsPreset);

/// <summary>
/// The merge step of a sharded run: reads the part-runs the shards wrote (from several folders, as
/// CI artifacts are downloaded), checks that together they are one sharded run, and saves each
/// experiment's whole run where one unsharded run would have saved it, with the same
/// <c>config.json</c> and <c>result.json</c>, byte for byte, so that check, figures, report and the
/// golden files work on it as on any run.
/// </summary>
/// <remarks>
/// Everything is checked before anything is written, and every refusal is one line that names
/// what is wrong and what to do:
/// <list type="bullet">
/// <item>the part-runs come from one commit (and working-tree state): code from two commits is not one run;</item>
/// <item>they belong to one plan (same profile, selection, shard count and configs);</item>
/// <item>every unit of the plan is there exactly once: a missing shard and a duplicate are named;</item>
/// <item>each part's config is what this checkout's code makes of the preset (and <c>--set</c>) and splits it into, and its result was produced with that config;</item>
/// <item>the parts of one experiment share one numerics fingerprint: a merged run records one
/// fingerprint, and the golden files are compared bit for bit on an equal one, so numbers from two
/// floating-point paths under one fingerprint would make that strict comparison meaningless.
/// Different experiments may come from different machines, since each run records its own.
/// <c>allowMixedNumerics</c> merges such an experiment anyway and records no fingerprint for it,
/// which makes every comparison of it portable (for CI runners, whose CPUs differ from job to job).</item>
/// </list>
/// </remarks>
public static class ShardMerge
{
    /// <summary>Checks and merges the part-runs of <paramref name="profile"/> under <paramref name="folders"/> into <paramref name="paths"/>' runs.</summary>
    public static IReadOnlyList<MergedRun> Merge(IReadOnlyList<string> folders, Profile profile, ProjectPaths paths, bool allowMixedNumerics = false)
    {
        var found = PartRuns.Find(folders, profile);
        var plan = SamePlanAndCode(found);
        var parts = EachUnitOnce(found, plan, profile, folders);
        var merged = plan.Units.GroupBy(u => ExperimentName(u.Unit)).Select(g => Prepare(g.Key, g.ToList(), parts, profile, allowMixedNumerics)).ToList();

        // Every folder's lock first: a run in progress in one of them stops the merge before it
        // replaces any run, instead of halfway through the experiments.
        var targets = merged.Select(m => RunStore.Locate(m.Experiment, m.Whole, profile, paths)).ToList();
        var locks = new List<ProcessLock>();
        try
        {
            foreach (var ((experiment, _, _, _, _), (dir, _, _)) in merged.Zip(targets))
                locks.Add(RunFolder.Lock(dir, $"merging the shards of {experiment.Name} ({profile.Slug()} profile)"));
            var saved = new List<MergedRun>();
            foreach (var ((experiment, _, configText, resultText, info), (dir, isPreset, _)) in merged.Zip(targets))
            {
                RunFolder.CleanUp(dir);
                RunFolder.Replace(dir, [(RunStore.ConfigFile, configText), (RunStore.InfoFile, Json.Serialize(info)), (RunStore.ResultFile, resultText)]);
                saved.Add(new MergedRun(experiment, dir, info, isPreset));
            }
            return saved;
        }
        finally
        {
            foreach (var held in locks) held.Dispose();
        }
    }

    /// <summary>The one plan of every part-run, after checking that they all ran one commit and belong to one plan.</summary>
    private static PlanRecord SamePlanAndCode(IReadOnlyList<FoundPart> found)
    {
        var revisions = found.GroupBy(f => (f.Info.Revision, f.Info.WorkingTree)).ToList();
        if (revisions.Count > 1)
            throw new HomeworkException(
                "The shards ran different code: " + string.Join("; ", revisions.Select(r => $"{r.First().Describe()} at {Short(r.Key.Revision)} ({r.Key.WorkingTree})")) +
                ". Merge only shards of one commit: run the odd shard again at the others' commit.");
        var plans = found.GroupBy(f => f.Part.Plan.Id).ToList();
        if (plans.Count > 1)
            throw new HomeworkException(
                "The part-runs belong to different sharded runs: " +
                string.Join("; ", plans.Select(p => $"{p.First().Describe()} of plan {p.Key} ({p.First().Part.Plan.Selection}, {p.First().Part.Plan.Shards} shards)")) +
                ". Pass the folders of one sharded run only (delete stale part-runs under runs/*/parts/).");
        return plans[0].First().Part.Plan;
    }

    /// <summary>The part-run of every unit of <paramref name="plan"/>, after checking that each is there exactly once.</summary>
    private static Dictionary<string, FoundPart> EachUnitOnce(IReadOnlyList<FoundPart> found, PlanRecord plan, Profile profile, IReadOnlyList<string> folders)
    {
        var byUnit = found.GroupBy(f => f.Part.Unit).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var (unit, copies) in byUnit)
        {
            if (plan.Units.All(u => u.Unit != unit))
                throw new HomeworkException($"{copies[0].Directory} is a part-run of {unit}, which its own plan {plan.Id} does not list: the record is damaged. Run its shard again.");
            if (copies.Count > 1)
                throw new HomeworkException(
                    $"{unit} (shard {copies[0].Part.Shard}/{plan.Shards}) is there twice: {string.Join(" and ", copies.Select(c => c.Directory))}. " +
                    "Pass each shard's folder once.");
        }
        var missing = plan.Units.Where(u => !byUnit.ContainsKey(u.Unit)).GroupBy(u => u.Shard).OrderBy(g => g.Key).ToList();
        if (missing.Count > 0)
        {
            // The command line takes --set only for one experiment; a plan of several with --set
            // values (made through the API) has no one command to name.
            string[] overrides = found.FirstOrDefault(f => ExperimentName(f.Part.Unit) == plan.Selection)?.Info.Overrides ?? [];
            bool expressible = plan.Selection != "all" || found.All(f => f.Info.Overrides is null);
            string shards = string.Join(" and ", missing.Select(g => $"{g.Key}/{plan.Shards}"));
            string them = missing.Count > 1 ? "them" : "it";
            throw new HomeworkException(
                $"Shard{(missing.Count > 1 ? "s" : "")} {shards} {(missing.Count > 1 ? "are" : "is")} missing: no part-run of " +
                string.Join(", ", missing.SelectMany(g => g).Select(u => u.Unit)) + $" in {string.Join(", ", folders)}. " +
                $"Add the folder {(missing.Count > 1 ? "each" : "it")} wrote or uploaded, or run {them}" +
                (expressible
                    ? ": " + string.Join("; ", missing.Select(g =>
                        $"`run {plan.Selection} --profile {profile.Slug()}{string.Concat(overrides.Select(o => $" --set {o}"))} --shard {g.Key}/{plan.Shards}`")) + "."
                    : $" again with the configs of the other shards (--shard {shards})."));
        }
        return byUnit.ToDictionary(p => p.Key, p => p.Value[0], StringComparer.Ordinal);
    }

    /// <summary>
    /// Checks the part-runs of one experiment against this checkout's code and merges them: the
    /// files and record of its whole run, not yet written.
    /// </summary>
    private static (Experiment Experiment, object Whole, string ConfigText, string ResultText, RunInfo Info) Prepare(
        string name, IReadOnlyList<PlannedUnit> planned, Dictionary<string, FoundPart> parts, Profile profile, bool allowMixedNumerics)
    {
        var found = planned.Select(u => parts[u.Unit]).ToList();
        string revision = found[0].Info.Revision;
        var experiment = Catalog.Experiments.FirstOrDefault(e => e.Name == name)
            ?? throw new HomeworkException($"The shards trained {name}, an experiment this checkout does not have. Merge with the code the shards ran ({Short(revision)}).");
        string[] overrides = found[0].Info.Overrides ?? [];
        if (found.Any(f => !(f.Info.Overrides ?? []).SequenceEqual(overrides)))
            throw new HomeworkException($"The part-runs of {name} were made with different --set values: {string.Join("; ", found.Select(f => $"{f.Describe()}: {string.Join(" ", f.Info.Overrides ?? [])}"))}. Run its shards again with one config.");

        string codeFix = $"Merge with the code the shards ran ({Short(revision)}), or run the shards again with this one.";
        object whole;
        try
        {
            whole = experiment.Configure(profile, overrides);
        }
        catch (UsageException e)
        {
            throw new HomeworkException($"The part-runs of {name} were made with --set {string.Join(" ", overrides)}, which this checkout refuses ({e.Message.TrimEnd('.')}). {codeFix}");
        }
        var expected = experiment.PartsOf(whole) is { Count: > 0 } split
            ? split.Select(p => (Unit: $"{name}/{p.Key}", p.Config)).ToList()
            : [(Unit: name, Config: whole)];
        if (!expected.Select(e => e.Unit).SequenceEqual(planned.Select(u => u.Unit)))
            throw new HomeworkException(
                $"The shards split {name} into {string.Join(", ", planned.Select(u => u.Unit))}, but this checkout makes {string.Join(", ", expected.Select(e => e.Unit))} of its {profile.Slug()} config. {codeFix}");

        var results = new List<object>();
        foreach (var ((unit, config), part) in expected.Zip(found))
        {
            string configFile = Path.Combine(part.Directory, RunStore.ConfigFile);
            string savedConfig = File.ReadAllText(configFile);
            if (!ConfigIdentity.Same(savedConfig, config))
                throw new HomeworkException(
                    $"{configFile} is not the config this checkout gives {unit} at the {profile.Slug()} profile" +
                    $"{(overrides.Length > 0 ? " with " + string.Join(" ", overrides) : "")} ({string.Join(", ", ConfigIdentity.Differences(savedConfig, config, "here"))}). {codeFix}");
            string resultFile = Path.Combine(part.Directory, RunStore.ResultFile);
            object result = experiment.ReadResult(resultFile, "Run its shard again.");
            if (result is IExperimentResult<object> carrier && !ConfigIdentity.Same(carrier.Config, config))
                throw new HomeworkException($"{resultFile} was produced with another config than the {RunStore.ConfigFile} beside it: the folder mixes two runs. Run its shard again.");
            results.Add(result);
        }
        if (planned.Any(u => u.Config != ConfigIdentity.Hash(whole)))
            throw new HomeworkException($"The plan of the shards had another whole config of {name} than this checkout's {profile.Slug()} config (hash {planned[0].Config}, here {ConfigIdentity.Hash(whole)}). {codeFix}");

        var fingerprints = found.GroupBy(f => f.Info.Numerics?.Id).ToList();
        if (fingerprints.Count > 1 && !allowMixedNumerics)
        {
            var first = found[0].Info.Numerics;
            var other = fingerprints[1].First().Info.Numerics;
            string how = first is not null && other is not null ? $" ({string.Join("; ", first.Differences(other))})" : "";
            throw new HomeworkException(
                $"The parts of {name} ran on different floating-point paths: " +
                string.Join(", ", fingerprints.Select(g => $"{string.Join(" and ", g.Select(f => $"{f.Part.Unit} (shard {f.Part.Shard}/{f.Part.Plan.Shards})"))} on {g.Key ?? "an unrecorded one"}")) +
                $"{how}. A merged run records one numerics fingerprint, and golden files are compared bit for bit on an equal one, so this mix would make that comparison meaningless. " +
                "Run those shards on machines of one kind, or pass --allow-mixed-numerics to merge it without a fingerprint (compared in the portable regime only).");
        }

        // A whole experiment's result is the part-run's file as it is; a split one's is merged by
        // the experiment's own rule and written as any run writes its result.
        string resultText = expected.Count == 1 && expected[0].Unit == name
            ? File.ReadAllText(Path.Combine(found[0].Directory, RunStore.ResultFile))
            : Json.Serialize(experiment.MergeParts(whole, results));
        var machines = found.Select(f => f.Info.Machine).Distinct(StringComparer.Ordinal).ToList();
        var info = new RunInfo(name, profile.Slug(), found.Max(f => f.Info.Finished), Math.Round(found.Sum(f => f.Info.Seconds), 1),
            found[0].Info.Jobs, found[0].Info.Threads, string.Join("; ", machines),
            fingerprints.Count == 1 ? found[0].Info.Numerics : null, revision, found[0].Info.WorkingTree)
        {
            Overrides = overrides.Length > 0 ? overrides : null,
            // The parts trained disjoint nets, so their digests add up to the whole run's.
            BatchOrder = Training.BatchOrder.Sum(found.Select(f => f.Info.BatchOrder)),
            Sharded = new ShardedRecord(found[0].Part.Plan.Id, found[0].Part.Plan.Shards,
                found.Select(f => new MergedPart(f.Part.Unit, f.Part.Shard, f.Info.Finished, f.Info.Seconds, f.Info.Machine, f.Info.Numerics?.Id)).ToArray()),
        };
        return (experiment, whole, Json.Serialize(whole), resultText, info);
    }

    /// <summary><c>mnist-cnn</c> of <c>mnist-cnn/cnn-1</c>.</summary>
    private static string ExperimentName(string unit) => unit.Split('/')[0];

    private static string Short(string revision) => revision.Length > 12 ? revision[..12] : revision;
}
