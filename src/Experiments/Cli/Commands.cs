using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Figures;
using Homework.Experiments.Golden;
using Homework.Experiments.Reporting;
using Spectre.Console;
using Profile = Homework.Experiments.Core.Profile;
using Spectre.Console.Cli;

namespace Homework.Experiments.Cli;

/// <summary>`run`: trains, saves results, prints the verdicts, draws the figures, optionally checks the golden files.</summary>
public sealed class RunCommand : Command<RunSettings>
{
    public override int Execute(CommandContext context, RunSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        var profile = settings.Profile;
        var experiments = Catalog.Select(settings.Experiment);
        if (settings.Variant is { } variant)
            return VariantRun.Execute(settings, variant, experiments, paths, cancellation);
        // Every config is resolved and validated before LibTorch loads or anything trains.
        var configs = experiments.Select(e => e.Configure(profile, settings.Overrides)).ToList();
        bool presets = experiments.Select((e, i) => RunStore.Locate(e, configs[i], profile, paths).IsPreset).All(p => p);
        if (settings.Check && !presets)
            throw new UsageException("--check compares with the golden files, which hold the preset's values, but this --set changes the preset's config: drop --check, or drop --set.");
        if (settings.Shard is { } shard)
            return ShardRun.Execute(settings, shard, experiments.Select((e, i) => (e, configs[i])).ToList(), paths, cancellation);
        AnsiConsole.MarkupLine($"LibTorch {Markup.Escape(TorchRuntime.EnsureLoaded())}; profile [bold]{profile.Slug()}[/]; results in {Markup.Escape(paths.Runs)}");

        // Side by side, longest first, on one pool of --jobs slots (SideBySide); results do not depend on it.
        var saved = new SavedRun[experiments.Count];
        var runContext = new RunContext { DataDirectory = paths.DataDirectory, Jobs = settings.Jobs ?? Environment.ProcessorCount, Threads = settings.Threads };
        Observers.With(observer =>
        {
            SideBySide.Run([.. experiments.Select((e, i) => e.EstimatedSeconds(configs[i]))], runContext.Jobs, cancellation, turn =>
            {
                int i = turn.Index;
                saved[i] = RunStore.RunAndSave(experiments[i], configs[i], profile, turn.Apply(runContext with { Observer = observer }), paths, settings.Overrides);
                AnsiConsole.MarkupLine($"[green]{experiments[i].Name}[/] finished in {ReportWriter.Duration(saved[i].Info.Seconds)}; saved to {Markup.Escape(saved[i].Directory)}");
            });
            return 0;
        });

        var presetRuns = new List<(Experiment, SavedRun?)>();
        for (int i = 0; i < experiments.Count; i++)
        {
            var (experiment, run) = (experiments[i], saved[i]);
            if (run.IsPreset)
            {
                if (!settings.NoFigures)
                    Output.DrawFigures(experiment, run, profile, paths.Figures);
                presetRuns.Add((experiment, run));
                continue;
            }
            var changed = ConfigIdentity.DifferentFields(configs[i], experiment.PresetOf(profile));
            AnsiConsole.MarkupLine($"[grey]{experiment.Name}: config differs from the {profile.Slug()} preset in {Markup.Escape(string.Join(", ", changed))}; " +
                                   "check, figures, report and the golden files read only the preset's run[/]");
            if (!settings.NoFigures)
                Output.DrawFigures(experiment, run, profile, Path.Combine(run.Directory, "figures"));
            AnsiConsole.MarkupLine($"Verdicts of this run ({Markup.Escape(run.Directory)}), not compared with golden files:");
            Output.ClaimTable(ClaimChecks.OfOverrideRun(experiment, run, profile));
        }

        if (presetRuns.Count == 0) return 0;
        var checks = ClaimChecks.Evaluate(presetRuns, profile, paths, settings.Check);
        Output.ClaimTable(checks);
        return settings.Check ? Output.GoldenFailures(checks) : 0;
    }
}

/// <summary>`check`: evaluates the claims from saved results against the golden files.</summary>
public sealed class CheckCommand : Command<CheckSettings>
{
    public override int Execute(CommandContext context, CheckSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        if (settings.Variants)
        {
            var saved = ClaimChecks.LoadVariants(Catalog.Experiments, settings.Profile, paths);
            var variantChecks = saved.Select(v => ClaimChecks.EvaluateVariant(v.Experiment, v.Variant, v.Run, settings.Profile, paths, checkGolden: true)).SelectMany(c => c).ToList();
            Output.ClaimTable(variantChecks);
            return Output.GoldenFailures(variantChecks);
        }
        var runs = ClaimChecks.LoadPresets(Catalog.Experiments, settings.Profile, paths);
        Output.Reading(runs, settings.Profile, paths);
        var checks = ClaimChecks.Evaluate(runs, settings.Profile, paths, checkGolden: true);
        Output.ClaimTable(checks);
        var store = new GoldenStore(paths.GoldenDirectory(settings.Profile));
        foreach (string orphan in store.Orphans(Catalog.Claims.Select(c => c.Id)))
            AnsiConsole.MarkupLine($"[yellow]Golden file that no claim uses:[/] {Markup.Escape(orphan)}");
        return Output.GoldenFailures(checks);
    }
}

/// <summary>`figures`: draws every figure whose experiment has a saved preset run.</summary>
public sealed class FiguresCommand : Command<ProfileSettings>
{
    public override int Execute(CommandContext context, ProfileSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        var runs = ClaimChecks.LoadPresets(Catalog.Experiments, settings.Profile, paths);
        Output.Reading(runs, settings.Profile, paths);
        int drawn = runs.Where(r => r.Run is not null).Sum(r => Output.DrawFigures(r.Experiment, r.Run!, settings.Profile, paths.Figures));
        return drawn > 0 ? 0 : Output.Fail($"No saved results for the {settings.Profile.Slug()} profile: run `run all --profile {settings.Profile.Slug()}` (or `dotnet test`) first.");
    }
}

/// <summary>`report`: writes artifacts/report.md from saved preset runs.</summary>
public sealed class ReportCommand : Command<ReportSettings>
{
    public override int Execute(CommandContext context, ReportSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        var profile = settings.Profile;
        if (settings.Reference && (!Directory.Exists(paths.Figures) || !Directory.EnumerateFiles(paths.Figures, "fig*.png").Any()))
            throw new HomeworkException(
                $"`report --reference` copies the report together with its figures, and {paths.Figures} has none. " +
                $"Draw them from the same runs first (`figures --profile {profile.Slug()}`), then run `report --profile {profile.Slug()} --reference` again; nothing was written.");
        var loaded = ClaimChecks.LoadPresets(Catalog.Experiments, profile, paths);
        Output.Reading(loaded, profile, paths);
        var checks = ClaimChecks.Evaluate(loaded, profile, paths, checkGolden: false);
        var runs = loaded.Select(r => (r.Experiment, r.Run?.Info)).ToList();
        // The robustness table: variant runs at the report's profile, else at the variants' own scale, beside the preset at the same scale.
        var robustnessProfile = profile;
        var saved = ClaimChecks.LoadVariants(Catalog.Experiments, profile, paths).Where(v => v.Run is not null).ToList();
        if (saved.Count == 0 && profile != RobustnessTable.VariantProfile)
        {
            robustnessProfile = RobustnessTable.VariantProfile;
            saved = ClaimChecks.LoadVariants(Catalog.Experiments, robustnessProfile, paths).Where(v => v.Run is not null).ToList();
        }
        var variants = saved
            .Select(v => (v.Experiment, v.Variant, ClaimChecks.EvaluateVariant(v.Experiment, v.Variant, v.Run, robustnessProfile, paths, checkGolden: false))).ToList();
        var robustnessPresets = robustnessProfile == profile ? checks
            : ClaimChecks.Evaluate(ClaimChecks.LoadPresets(Catalog.Experiments, robustnessProfile, paths), robustnessProfile, paths, checkGolden: false);
        var robustness = variants.Count == 0 ? [] : RobustnessTable.Of(robustnessProfile, robustnessPresets, variants);
        AtomicFile.WriteAllText(paths.Report, ReportWriter.Render(checks, profile, runs, "figures", robustness));
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(paths.Report)}");
        if (settings.Reference)
        {
            string figures = Path.Combine(paths.Reference, "figures");
            Directory.CreateDirectory(figures);
            foreach (string png in Directory.EnumerateFiles(paths.Figures, "fig*.png"))
                File.Copy(png, Path.Combine(figures, Path.GetFileName(png)), overwrite: true);
            AtomicFile.WriteAllText(Path.Combine(paths.Reference, "report.md"), ReportWriter.Render(checks, profile, runs, "figures", robustness));
            AnsiConsole.MarkupLine($"Copied the report and figures to {Markup.Escape(paths.Reference)}");
        }
        Output.ClaimTable(checks);
        return 0;
    }
}

/// <summary>
/// `accept`: renames every received golden file to verified, all or nothing; with
/// `--other-path`, records each received verdict in its verified file as another path's instead.
/// </summary>
public sealed class AcceptCommand : Command<AcceptSettings>
{
    public override int Execute(CommandContext context, AcceptSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        if (settings.OtherPath)
        {
            var recorded = GoldenStore.RecordOtherPathVerdicts(paths.GoldenRoot);
            foreach (string file in recorded)
                AnsiConsole.MarkupLine($"[yellow]recorded another path's verdict in[/] {Markup.Escape(Path.GetRelativePath(paths.Root, file))}");
            AnsiConsole.MarkupLine(recorded.Count == 0 ? "Nothing to record: no *.received.json files."
                : $"Recorded {recorded.Count} verdict(s) of another floating-point path; review them with `git diff`, say in the README that these claims are not settled across paths, and commit.");
            return 0;
        }
        var accepted = GoldenStore.AcceptAll(paths.GoldenRoot, ReceivedFiles.AgainstCatalog);
        foreach (string file in accepted)
            AnsiConsole.MarkupLine($"[green]accepted[/] {Markup.Escape(Path.GetRelativePath(paths.Root, file))}");
        AnsiConsole.MarkupLine(accepted.Count == 0 ? "Nothing to accept: no *.received.json files." : $"Accepted {accepted.Count} file(s); review them with `git diff` and commit.");
        return 0;
    }
}

/// <summary>`diff`: the golden-metric changes of the working tree against a git revision, or of the received files, as Markdown.</summary>
public sealed class DiffCommand : Command<DiffSettings>
{
    public override int Execute(CommandContext context, DiffSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        var diff = settings.Received
            ? GoldenDiff.OfReceived(paths.Root)
            : GoldenDiff.AgainstRevision(paths.Root, settings.Base);
        string markdown = diff.ToMarkdown();
        // Plain text, not Spectre markup: Spectre would wrap the table rows at the terminal's width.
        Console.Out.Write(markdown);
        if (settings.Output is { } output)
        {
            AtomicFile.WriteAllText(output, markdown);
            AnsiConsole.MarkupLine($"Wrote {Markup.Escape(Path.GetFullPath(output))}");
        }
        return 0;
    }
}

/// <summary>`list`: experiments, claims and figures.</summary>
public sealed class ListCommand : Command<CommonSettings>
{
    public override int Execute(CommandContext context, CommonSettings settings, CancellationToken cancellation)
    {
        foreach (var experiment in Catalog.Experiments)
        {
            AnsiConsole.MarkupLine($"[bold]{experiment.Name}[/] (part {experiment.Part}): {Markup.Escape(experiment.Title)}");
            foreach (var figure in Catalog.FiguresOf(experiment))
                AnsiConsole.MarkupLine($"  figure {figure.Number,2}  {Markup.Escape(figure.FileName)}");
            var table = new Table().Border(TableBorder.Simple).AddColumn("claim").AddColumn("figures").AddColumn("the report says");
            foreach (var claim in Catalog.ClaimsOf(experiment))
                table.AddRow(Markup.Escape(claim.Id), string.Join(", ", claim.Figures), Markup.Escape(claim.Statement));
            AnsiConsole.Write(table);
            foreach (var variant in experiment.VariantList)
                AnsiConsole.MarkupLine($"  variant [bold]{Markup.Escape(variant.Name)}[/]: {Markup.Escape(variant.Reason)}");
        }
        return 0;
    }
}

internal static class Output
{
    /// <summary>One experiment's claims under its preset and the variants in <paramref name="shown"/>, with what each verdict depends on.</summary>
    public static void RobustnessTable(RobustnessTable table, IReadOnlySet<string> shown)
    {
        var variants = table.Variants.Where(v => shown.Contains(v.Name)).ToList();
        var grid = new Table().Border(TableBorder.Rounded).Title($"{table.Experiment.Name}: preset and variants").AddColumn("claim").AddColumn("preset");
        foreach (var variant in variants) grid.AddColumn(Markup.Escape(variant.Name));
        foreach (var row in table.Rows)
        {
            var cells = new List<string> { Markup.Escape(row.Claim.Id), Words(row.Preset) };
            cells.AddRange(variants.Select(v => Words(row.Variants.First(x => x.Variant.Name == v.Name).Outcome)));
            grid.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(grid);
        static string Words(ClaimOutcome? outcome) => outcome is null ? "[grey]not run[/]" : Markup.Escape(outcome.VerdictWords);
    }

    /// <summary>Says which runs a reading command works from: the profile's preset runs, and which of them exist.</summary>
    public static void Reading(IReadOnlyList<(Experiment Experiment, SavedRun? Run)> runs, Profile profile, ProjectPaths paths)
    {
        int found = runs.Count(r => r.Run is not null);
        AnsiConsole.MarkupLine($"Reading the {profile.Slug()} preset runs in {Markup.Escape(paths.Runs)} ({found} of {runs.Count} experiments saved; runs with --set are never read).");
    }

    /// <summary>Draws the experiment's figures from a saved run into <paramref name="folder"/>; returns how many.</summary>
    public static int DrawFigures(Experiment experiment, SavedRun run, Profile profile, string folder)
    {
        int drawn = 0;
        foreach (var figure in Catalog.FiguresOf(experiment))
        {
            try
            {
                string file = FigureWriter.Write(folder, figure, run.Result, profile);
                AnsiConsole.MarkupLine($"figure {figure.Number,2}: {Markup.Escape(file)}");
                drawn++;
            }
            catch (Exception e) when (!run.IsPreset && e is not OperationCanceledException)
            {
                // A figure is drawn for the preset's shape of result; a run with --set may not have it.
                AnsiConsole.MarkupLine($"[yellow]figure {figure.Number,2} cannot be drawn from this run's config[/] ({Markup.Escape(e.GetType().Name)}: {Markup.Escape(e.Message)})");
            }
        }
        return drawn;
    }

    public static void ClaimTable(IReadOnlyList<ClaimCheck> checks)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("claim").AddColumn("verdict").AddColumn("seeds").AddColumn("golden").AddColumn("key numbers");
        foreach (var check in checks)
        {
            string verdict = check.Outcome is null ? "[grey]not run[/]"
                : $"[{(check.Outcome.Verdict == Verdict.Reproduced ? "green" : check.Outcome.Verdict == Verdict.Contradicted ? "red" : "yellow")}]{Markup.Escape(check.Outcome.VerdictWords)}[/]";
            string golden = check.Golden is null ? "" : check.Golden.Ok ? (check.Golden.OnAnotherPathsVerdict ? "[yellow]match (other path's verdict)[/]" : "[green]match[/]") : $"[red]{check.Golden.Status.ToString().ToLowerInvariant()}[/]";
            table.AddRow(Markup.Escape(check.Claim.Id), verdict, check.Outcome is null ? "" : $"{check.Outcome.Holds}/{check.Outcome.Seeds}",
                golden, Markup.Escape(check.Outcome?.Evidence.Summary ?? check.Missing ?? ""));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(ReportWriter.Tally(checks.Where(c => c.Outcome is not null).Select(c => c.Outcome!))) + ".");
    }

    /// <summary>Prints every golden mismatch; 1 if there was one, else 0.</summary>
    public static int GoldenFailures(IReadOnlyList<ClaimCheck> checks)
    {
        var failed = checks.Where(c => c.Golden is { Ok: false } || c.Missing is not null).ToList();
        foreach (var check in failed)
            AnsiConsole.WriteLine(check.Golden?.Message ?? $"{check.Claim.Id}: {check.Missing}");
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>Prints <paramref name="message"/> as one error line on standard error; returns the usage-error exit code 2.</summary>
    public static int Fail(string message)
    {
        Error(message);
        return 2;
    }

    /// <summary>
    /// One line on standard error, whatever its length: Spectre.Console would wrap it at the
    /// console's width (80 columns in a log), which splits one error over several lines.
    /// </summary>
    public static void Error(string message)
    {
        bool color = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        string line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Console.Error.WriteLine(color ? $"\u001b[31merror:\u001b[0m {line}" : $"error: {line}");
    }
}
