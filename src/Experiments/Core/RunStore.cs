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
    string WorkingTree = SourceRevision.Unknown);

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

/// <summary>
/// Results on disk: <c>artifacts/runs/&lt;experiment&gt;/&lt;profile&gt;/</c> holds
/// <c>config.json</c> (the resolved config), <c>result.json</c> and <c>run.json</c> (timing,
/// machine and git revision), each written atomically; the result is written last, so a
/// result file always has its config.
/// </summary>
public static class RunStore
{
    public const string ConfigFile = "config.json";
    public const string ResultFile = "result.json";
    public const string InfoFile = "run.json";

    /// <summary>Runs the experiment, saves config, result and run record, and returns the result with its record.</summary>
    public static (object Result, RunInfo Info) RunAndSave(Experiment experiment, object config, Profile profile, RunContext context, ProjectPaths paths)
    {
        // Taken before the run: the code that runs is the code checked out when it starts.
        var source = SourceRevision.Of(paths.Root);
        var clock = Stopwatch.StartNew();
        object result = experiment.Run(config, context);
        clock.Stop();
        var info = new RunInfo(experiment.Name, profile.Slug(), DateTimeOffset.UtcNow, Math.Round(clock.Elapsed.TotalSeconds, 1),
            context.Jobs, context.Threads, $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}",
            Numerics.Current(context.Threads), source.Revision, source.WorkingTree);
        string dir = paths.RunDirectory(experiment.Name, profile);
        Json.Write(Path.Combine(dir, ConfigFile), config);
        Json.Write(Path.Combine(dir, InfoFile), info);
        Json.Write(Path.Combine(dir, ResultFile), result);
        return (result, info);
    }

    /// <summary>The saved result of an experiment at a profile, or null when it has not been run.</summary>
    public static object? Load(Experiment experiment, Profile profile, ProjectPaths paths)
    {
        string path = Path.Combine(paths.RunDirectory(experiment.Name, profile), ResultFile);
        return File.Exists(path) ? experiment.ReadResult(path) : null;
    }

    public static RunInfo? LoadInfo(Experiment experiment, Profile profile, ProjectPaths paths)
    {
        string path = Path.Combine(paths.RunDirectory(experiment.Name, profile), InfoFile);
        return File.Exists(path) ? Json.Read<RunInfo>(path) : null;
    }
}
