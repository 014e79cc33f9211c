using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Homework.Experiments.Core;

/// <summary>When, where, from which code, on which floating-point path and how long a result was produced (<c>run.json</c>).</summary>
/// <param name="Machine">Cores, OS and architecture, for reading timings.</param>
/// <param name="Numerics">
/// The fingerprint of the floating-point path; golden files are compared bit for bit only on an
/// equal one. Null in files written before fingerprints were recorded (their other fields still read).
/// </param>
/// <param name="Revision">The git commit checked out when the run started, or <c>unknown</c> outside a git checkout.</param>
/// <param name="WorkingTree">
/// <c>clean</c> when the working tree matched <see cref="Revision"/> at the start of the run,
/// <c>dirty</c> when a file differed (then the revision alone does not name the code that ran),
/// or <c>unknown</c>.
/// </param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record RunInfo(
    string Experiment,
    string Profile,
    DateTimeOffset Finished,
    double Seconds,
    int Jobs,
    int Threads,
    string Machine,
    Numerics? Numerics = null,
    string Revision = SourceRevision.Unknown,
    string WorkingTree = SourceRevision.Unknown)
{
    /// <summary>
    /// The <c>--set</c> assignments of a run whose config is not the profile's preset; absent
    /// (not written) for a preset run, whose run.json therefore reads as before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Overrides { get; init; }

    /// <summary>The named variant the run's config is (<see cref="Variant{TConfig}"/>); absent for the preset and for overrides.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    /// <summary>
    /// Present only in a part-run of a sharded run (<c>run --shard i/n</c>): its unit, shard and
    /// plan. A part is never a whole run: it lives under <c>runs/&lt;experiment&gt;/parts/</c>, and
    /// <see cref="RunStore.LoadPreset"/> refuses a folder whose record has one.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Sharding.PartRecord? Part { get; init; }

    /// <summary>
    /// Present only in a run merged from part-runs (<c>merge</c>): the plan and the part-runs it came
    /// from, with their shards and times. <see cref="Seconds"/> is then the parts' time added up.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Sharding.ShardedRecord? Sharded { get; init; }

    /// <summary>
    /// The <see cref="Training.BatchOrder"/> digest of every net the run trained (16 hex digits):
    /// the same on every machine for the same code, config and seeds. Absent in records written
    /// before it was recorded.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BatchOrder { get; init; }
}

/// <summary>The code a run came from, as <c>run.json</c> records it.</summary>
public sealed record SourceRevision(string Revision, string WorkingTree)
{
    public const string Unknown = "unknown";

    /// <summary>
    /// The commit and state of the checkout at <paramref name="root"/>; <c>unknown</c> for both
    /// outside a git checkout or without git (never an error: a run must not fail for this).
    /// </summary>
    public static SourceRevision Of(string root) =>
        Golden.GitRepository.Head(root) is { } head
            ? new SourceRevision(head.Commit, head.Dirty ? "dirty" : "clean")
            : new SourceRevision(Unknown, Unknown);
}

/// <summary>A saved run: its result, its record, the folder it is in and whether it is the profile's preset.</summary>
public sealed record SavedRun(object Result, RunInfo Info, string Directory, bool IsPreset);

/// <summary>
/// Results on disk. A run's identity is its resolved config (<see cref="ConfigIdentity"/>):
/// the preset's run of a profile is <c>artifacts/runs/&lt;experiment&gt;/&lt;profile&gt;/</c>, the only
/// one that check, figures, report and the golden files read; a run with <c>--set</c> overrides
/// goes to <c>artifacts/runs/&lt;experiment&gt;/overrides/&lt;profile&gt;-&lt;config hash&gt;/</c>. Each folder
/// holds <c>config.json</c> (the resolved config), <c>run.json</c> (timing, machine, git revision,
/// overrides) and <c>result.json</c>, saved as one unit (<see cref="RunFolder"/>) by a process
/// that holds the folder's lock for the whole run.
/// </summary>
public static class RunStore
{
    public const string ConfigFile = "config.json";
    public const string ResultFile = "result.json";
    public const string InfoFile = "run.json";

    /// <summary>
    /// The folder a run of <paramref name="config"/> is saved in: the preset's, a named variant's, or
    /// one named by the config's hash; whether that is the preset's, and which variant it is.
    /// </summary>
    public static (string Directory, bool IsPreset, string? Variant) Locate(Experiment experiment, object config, Profile profile, ProjectPaths paths)
    {
        if (ConfigIdentity.Same(config, experiment.PresetOf(profile)))
            return (paths.RunDirectory(experiment.Name, profile), true, null);
        if (experiment.VariantOf(config, profile) is { } variant)
            return (paths.VariantRunDirectory(experiment.Name, profile, variant), false, variant);
        return (paths.OverrideRunDirectory(experiment.Name, profile, ConfigIdentity.Hash(config)), false, null);
    }

    /// <summary>
    /// Runs the experiment and saves config, run record and result as one unit in the folder of
    /// its config (<see cref="Locate"/>). The folder's lock is held from before the training to
    /// after the save, so a second run of the same config is refused with the first one's process
    /// named, and what earlier interrupted saves left is cleaned up first. Cancellation (Ctrl+C,
    /// SIGTERM) stops the training at its next progress step and saves nothing.
    /// </summary>
    /// <param name="overrides">The <c>--set</c> assignments that produced <paramref name="config"/>, recorded in run.json.</param>
    public static SavedRun RunAndSave(Experiment experiment, object config, Profile profile, RunContext context, ProjectPaths paths,
        IReadOnlyList<string>? overrides = null)
    {
        var (dir, isPreset, variant) = Locate(experiment, config, profile, paths);
        string what = isPreset ? $"{profile.Slug()} preset"
            : variant is not null ? $"{profile.Slug()} variant {variant}"
            : $"{profile.Slug()} profile with {string.Join(" ", overrides ?? [])}".TrimEnd();
        var (result, info) = RunInto(dir, $"running {experiment.Name} ({what})", experiment, config, profile, context, paths,
            info => info with
            {
                Overrides = isPreset || variant is not null || overrides is not { Count: > 0 } ? null : overrides.ToArray(),
                Variant = variant,
            });
        return new SavedRun(result, info, dir, isPreset);
    }

    /// <summary>
    /// Trains <paramref name="config"/> and saves config, record and result as one unit in
    /// <paramref name="dir"/>, holding its lock throughout (what <see cref="RunAndSave"/> does for
    /// whole runs and <c>Sharding.PartRuns</c> for the parts of a sharded run);
    /// <paramref name="annotate"/> adds what only the caller knows to the record.
    /// </summary>
    internal static (object Result, RunInfo Info) RunInto(string dir, string purpose, Experiment experiment, object config, Profile profile,
        RunContext context, ProjectPaths paths, Func<RunInfo, RunInfo> annotate)
    {
        using var lease = RunFolder.Lock(dir, purpose);
        RunFolder.CleanUp(dir);
        CleanUpInterrupted(experiment, paths);

        // Taken before the run: the code that runs is the code checked out when it starts.
        var source = SourceRevision.Of(paths.Root);
        var clock = Stopwatch.StartNew();
        var meter = new Training.TrainingMeter(next: context.Meter);
        object result = experiment.Run(config, context with { Observer = new CancellingObserver(context.Observer, context.Cancellation), Meter = meter }, profile);
        clock.Stop();
        context.Cancellation.ThrowIfCancellationRequested();
        var info = annotate(new RunInfo(experiment.Name, profile.Slug(), DateTimeOffset.UtcNow, Math.Round(clock.Elapsed.TotalSeconds, 1),
            context.Jobs, context.Threads, MachineDescription, Numerics.Current(context.Threads), source.Revision, source.WorkingTree)
        {
            BatchOrder = Training.BatchOrder.Format(meter.BatchOrder),
        });
        RunFolder.Replace(dir, [(ConfigFile, Json.Serialize(config)), (InfoFile, Json.Serialize(info)), (ResultFile, Json.Serialize(result))]);
        return (result, info);
    }

    /// <summary>Cores, OS and architecture of this machine, as <see cref="RunInfo.Machine"/> records them.</summary>
    public static string MachineDescription =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}";

    /// <summary>
    /// The saved run of the experiment's preset at a profile, or null when it has not been run.
    /// A preset folder that holds another config (left by an older harness, which saved override
    /// runs there), a mix of two runs, or a missing file is refused with a message that says how
    /// to replace it: what check, figures and report read is always the preset's run.
    /// </summary>
    public static SavedRun? LoadPreset(Experiment experiment, Profile profile, ProjectPaths paths) =>
        Load(experiment, profile, paths, variant: null);

    /// <summary>The saved run of a named variant at a profile, or null; refused like <see cref="LoadPreset"/> when it is not that variant's run.</summary>
    public static SavedRun? LoadVariant(Experiment experiment, Profile profile, string variant, ProjectPaths paths) =>
        Load(experiment, profile, paths, variant);

    private static SavedRun? Load(Experiment experiment, Profile profile, ProjectPaths paths, string? variant)
    {
        string dir = variant is null ? paths.RunDirectory(experiment.Name, profile) : paths.VariantRunDirectory(experiment.Name, profile, variant);
        CleanUpInterrupted(experiment, paths);
        if (!Directory.Exists(dir)) return null;
        string command = $"run {experiment.Name} --profile {profile.Slug()}{(variant is null ? "" : $" --variant {variant}")}";
        string rerun = $"Run `{command}` to replace it.";
        string what = variant is null ? $"the {profile.Slug()} preset of {experiment.Name}" : $"variant {variant} of {experiment.Name} at the {profile.Slug()} profile";
        string config = Path.Combine(dir, ConfigFile);
        string resultFile = Path.Combine(dir, ResultFile);
        string infoFile = Path.Combine(dir, InfoFile);
        foreach (string file in new[] { config, infoFile, resultFile })
            if (!File.Exists(file))
                throw new HomeworkException($"{dir} is an incomplete run folder ({Path.GetFileName(file)} is missing). {rerun}");

        object expected = variant is null ? experiment.PresetOf(profile) : experiment.VariantConfig(profile, variant);
        string saved = File.ReadAllText(config);
        if (!ConfigIdentity.Same(saved, expected))
            throw new HomeworkException(
                $"{dir} holds a run whose config is not {what} " +
                $"({string.Join(", ", ConfigIdentity.Differences(saved, expected, variant is null ? "preset" : "variant"))}); check, figures, report and the golden files read only that config's run. {rerun}");
        object result = experiment.ReadResult(resultFile, rerun);
        // Every result record carries its config (IExperimentResult<TConfig>, covariant for record configs).
        if (result is IExperimentResult<object> carrier && !ConfigIdentity.Same(carrier.Config, expected))
            throw new HomeworkException(
                $"{resultFile} was produced with another config than the {ConfigFile} beside it " +
                $"({string.Join(", ", ConfigIdentity.Differences(ConfigIdentity.Canonical(carrier.Config), expected))}): the folder mixes two runs. {rerun}");
        var info = Json.Read<RunInfo>(infoFile, rerun);
        if (info.Part is { } part)
            throw new HomeworkException(
                $"{dir} holds a part-run of a sharded run ({part.Unit}, shard {part.Shard}/{part.Plan.Shards}), not a whole run of {experiment.Name}. " +
                $"Merge the shards (`merge --profile {profile.Slug()} <shard folders>`), or run `{command}` to replace it.");
        return new SavedRun(result, info, dir, IsPreset: variant is null);
    }

    /// <summary>
    /// Removes what interrupted saves left among an experiment's runs (preset, overrides and the
    /// part-runs of sharded runs), except where a save is under way.
    /// </summary>
    private static void CleanUpInterrupted(Experiment experiment, ProjectPaths paths)
    {
        string runs = Path.Combine(paths.Runs, experiment.Name);
        RunFolder.CleanUpAllIn(runs);
        RunFolder.CleanUpAllIn(Path.Combine(runs, "overrides"));
        RunFolder.CleanUpAllIn(Path.Combine(runs, ProjectPaths.VariantsFolder));
        string parts = Path.Combine(runs, ProjectPaths.PartsFolder);
        if (Directory.Exists(parts))
            foreach (string slot in Directory.EnumerateDirectories(parts).Where(d => !Path.GetFileName(d).StartsWith('.')))
                RunFolder.CleanUpAllIn(slot);
    }
}

/// <summary>Checks for cancellation at every progress step: how Ctrl+C or SIGTERM stops a training between epochs.</summary>
internal sealed class CancellingObserver(IRunObserver inner, CancellationToken cancellation) : IRunObserver
{
    public IProgressTask Start(string description, double total)
    {
        cancellation.ThrowIfCancellationRequested();
        return new Task(inner.Start(description, total), cancellation);
    }

    public void Info(string message) => inner.Info(message);

    private sealed class Task(IProgressTask inner, CancellationToken cancellation) : IProgressTask
    {
        public void Advance(double amount = 1)
        {
            cancellation.ThrowIfCancellationRequested();
            inner.Advance(amount);
        }

        public void Dispose() => inner.Dispose();
    }
}
