using System.ComponentModel;
using Homework.Experiments.Core;
using Spectre.Console.Cli;

namespace Homework.Experiments.Cli;

/// <summary>Options every command takes.</summary>
public class CommonSettings : CommandSettings
{
    [CommandOption("--artifacts <DIR>")]
    [Description($"Output folder (default: artifacts/ of the repository, or ${ProjectPaths.ArtifactsVariable}).")]
    public string? Artifacts { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [Description($"MNIST cache folder (default: ~/.cache/homework/mnist, or ${ProjectPaths.DataVariable}).")]
    public string? DataDirectory { get; init; }

    public ProjectPaths Paths() => ProjectPaths.Discover(Artifacts, DataDirectory);
}

/// <summary>Options of the commands that work on one profile.</summary>
public class ProfileSettings : CommonSettings
{
    [CommandOption("-p|--profile <PROFILE>")]
    [Description("quick (what dotnet test runs) or full (the report's scale).")]
    [DefaultValue("quick")]
    public string ProfileName { get; init; } = "quick";

    public Profile Profile => Profiles.Parse(ProfileName);

    public override Spectre.Console.ValidationResult Validate()
    {
        try
        {
            _ = Profile;
            return Spectre.Console.ValidationResult.Success();
        }
        catch (UsageException e)
        {
            return Spectre.Console.ValidationResult.Error(e.Message);
        }
    }
}

public sealed class RunSettings : ProfileSettings
{
    [CommandArgument(0, "[EXPERIMENT]")]
    [Description("An experiment name (see `list`) or all.")]
    public string Experiment { get; init; } = "all";

    [CommandOption("-s|--set <KEY=VALUE>")]
    [Description("Override a config field, e.g. --set epochs=500 --set seeds=[[0,1]]. Repeatable; needs one experiment.")]
    public string[] Overrides { get; init; } = [];

    [CommandOption("-j|--jobs <N>")]
    [Description("Trainings run at once (default: one per core).")]
    public int? Jobs { get; init; }

    [CommandOption("-t|--threads <N>")]
    [Description("LibTorch intra-op threads per training (default 1: fastest for these small nets).")]
    [DefaultValue(1)]
    public int Threads { get; init; } = 1;

    [CommandOption("--check")]
    [Description("Compare the claims with the profile's golden files; exit 1 on a mismatch.")]
    public bool Check { get; init; }

    [CommandOption("--no-figures")]
    [Description("Do not draw the experiment's figures after the run.")]
    public bool NoFigures { get; init; }

    [CommandOption("--shard <I/N>")]
    [Description("Run only the i-th of n shards of the work (experiments, and mnist-cnn's nets), saved as part-runs under runs/<experiment>/parts/ for `merge`, e.g. --shard 2/4.")]
    public string? ShardText { get; init; }

    [CommandOption("--variant <NAME>")]
    [Description("Run a named variant of the experiment instead of its preset (see `list`), or `all` for every variant of the experiments named; saved under runs/<experiment>/variants/.")]
    public string? Variant { get; init; }

    [CommandOption("--plan")]
    [Description("With --shard: print which shard trains which unit, and the estimated time of each shard, then stop (nothing trains).")]
    public bool Plan { get; init; }

    /// <summary>The parsed <c>--shard</c>, or null for an unsharded run.</summary>
    public Sharding.Shard? Shard => ShardText is null ? null : Sharding.Shard.Parse(ShardText);

    public override Spectre.Console.ValidationResult Validate()
    {
        if (Jobs is < 1) return Spectre.Console.ValidationResult.Error($"--jobs must be at least 1; got {Jobs}.");
        if (Threads < 1) return Spectre.Console.ValidationResult.Error($"--threads must be at least 1; got {Threads}.");
        if (Overrides.Length > 0 && string.Equals(Experiment, "all", StringComparison.OrdinalIgnoreCase))
            return Spectre.Console.ValidationResult.Error("--set needs a single experiment: configs differ between experiments.");
        if (Plan && ShardText is null)
            return Spectre.Console.ValidationResult.Error("--plan shows how --shard i/n divides the work: add --shard, e.g. --shard 1/4 --plan.");
        if (Variant is not null && Overrides.Length > 0)
            return Spectre.Console.ValidationResult.Error("--variant runs a variant as declared; --set changes a config field: use one or the other.");
        if (Variant is not null && ShardText is not null)
            return Spectre.Console.ValidationResult.Error("--variant and --shard cannot be combined: a variant runs whole.");
        if (Variant is not null && Variant != "all" && string.Equals(Experiment, "all", StringComparison.OrdinalIgnoreCase))
            return Spectre.Console.ValidationResult.Error($"Variant names belong to one experiment: name it (`run <experiment> --variant {Variant}`), or run every variant with `--variant all`.");
        if (Check && ShardText is not null)
            return Spectre.Console.ValidationResult.Error("--check compares whole runs with the golden files, and a shard saves only parts: drop --check, and run `check` after `merge`.");
        try
        {
            _ = Shard;
        }
        catch (UsageException e)
        {
            return Spectre.Console.ValidationResult.Error(e.Message);
        }
        return base.Validate();
    }
}

public sealed class MergeSettings : ProfileSettings
{
    [CommandArgument(0, "[FOLDERS]")]
    [Description("Folders the shards wrote or uploaded: artifacts folders, or a folder of them (as CI downloads artifacts). Default: this --artifacts folder.")]
    public string[] Folders { get; init; } = [];

    [CommandOption("--allow-mixed-numerics")]
    [Description("Merge an experiment whose parts ran on different floating-point paths, recording no numerics fingerprint (its golden comparison is then portable only). For CI runners of mixed CPUs.")]
    public bool AllowMixedNumerics { get; init; }
}

public sealed class CheckSettings : ProfileSettings
{
    [CommandOption("--variants")]
    [Description("Check the saved runs of every variant against the variants' golden files, instead of the presets'.")]
    public bool Variants { get; init; }
}

public sealed class ReportSettings : ProfileSettings
{
    [CommandOption("--reference")]
    [Description("Also copy the report and figures into artifacts/reference/ (the committed copy the README shows).")]
    public bool Reference { get; init; }
}

public sealed class AcceptSettings : CommonSettings
{
    [CommandOption("--other-path")]
    [Description("Do not replace the verified files: record each received file's verdict in its verified file as one these seeds reach on another floating-point path. Only where the verdict alone differs, on another fingerprint, next to inconclusive.")]
    public bool OtherPath { get; init; }
}

public sealed class DiffSettings : CommonSettings
{
    [CommandOption("-b|--base <REV>")]
    [Description("Git revision to compare the working tree's golden files with (default: the merge base with main, else HEAD).")]
    public string? Base { get; init; }

    [CommandOption("--received")]
    [Description("Compare the received golden files with their verified files instead: the table to read before accepting.")]
    public bool Received { get; init; }

    [CommandOption("-o|--output <FILE>")]
    [Description("Also write the Markdown to this file, e.g. artifacts/golden-diff.md.")]
    public string? Output { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        Received && Base is not null
            ? Spectre.Console.ValidationResult.Error("--received compares received files with verified ones, not with a revision: drop --base.")
            : base.Validate();
}
