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
        var configs = experiments.Select(e => e.Configure(profile, settings.Overrides)).ToList();
        AnsiConsole.MarkupLine($"LibTorch {Markup.Escape(TorchRuntime.EnsureLoaded())}; profile [bold]{profile.Slug()}[/]; results in {Markup.Escape(paths.Artifacts)}");

        for (int i = 0; i < experiments.Count; i++)
        {
            var experiment = experiments[i];
            var run = new RunContext
            {
                DataDirectory = paths.DataDirectory,
                Jobs = settings.Jobs ?? Environment.ProcessorCount,
                Threads = settings.Threads,
                Cancellation = cancellation,
            };
            var (_, info) = Observers.With(observer => RunStore.RunAndSave(experiment, configs[i], profile, run with { Observer = observer }, paths));
            AnsiConsole.MarkupLine($"[green]{experiment.Name}[/] finished in {ReportWriter.Duration(info.Seconds)}; saved to {Markup.Escape(paths.RunDirectory(experiment.Name, profile))}");
            if (!settings.NoFigures)
                Output.DrawFigures([experiment], profile, paths);
        }

        var checks = ClaimChecks.Evaluate(experiments, profile, paths, settings.Check);
        Output.ClaimTable(checks);
        return settings.Check ? Output.GoldenFailures(checks) : 0;
    }
}

/// <summary>`check`: evaluates the claims from saved results against the golden files.</summary>
public sealed class CheckCommand : Command<ProfileSettings>
{
    public override int Execute(CommandContext context, ProfileSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        var checks = ClaimChecks.Evaluate(Catalog.Experiments, settings.Profile, paths, checkGolden: true);
        Output.ClaimTable(checks);
        var store = new GoldenStore(paths.GoldenDirectory(settings.Profile));
        foreach (string orphan in store.Orphans(Catalog.Claims.Select(c => c.Id)))
            AnsiConsole.MarkupLine($"[yellow]Golden file that no claim uses:[/] {Markup.Escape(orphan)}");
        return Output.GoldenFailures(checks);
    }
}

/// <summary>`figures`: draws every figure whose experiment has a saved result.</summary>
public sealed class FiguresCommand : Command<ProfileSettings>
{
    public override int Execute(CommandContext context, ProfileSettings settings, CancellationToken cancellation)
    {
        int drawn = Output.DrawFigures(Catalog.Experiments, settings.Profile, settings.Paths());
        return drawn > 0 ? 0 : Output.Fail($"No saved results for the {settings.Profile.Slug()} profile: run `run all --profile {settings.Profile.Slug()}` (or `dotnet test`) first.");
    }
}

/// <summary>`report`: writes artifacts/report.md from saved results.</summary>
public sealed class ReportCommand : Command<ReportSettings>
{
    public override int Execute(CommandContext context, ReportSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        var profile = settings.Profile;
        var checks = ClaimChecks.Evaluate(Catalog.Experiments, profile, paths, checkGolden: false);
        var runs = Catalog.Experiments.Select(e => (e, RunStore.LoadInfo(e, profile, paths))).ToList();
        AtomicFile.WriteAllText(paths.Report, ReportWriter.Render(checks, profile, runs, "figures"));
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(paths.Report)}");
        if (settings.Reference)
        {
            string figures = Path.Combine(paths.Reference, "figures");
            Directory.CreateDirectory(figures);
            foreach (string png in Directory.EnumerateFiles(paths.Figures, "fig*.png"))
                File.Copy(png, Path.Combine(figures, Path.GetFileName(png)), overwrite: true);
            AtomicFile.WriteAllText(Path.Combine(paths.Reference, "report.md"), ReportWriter.Render(checks, profile, runs, "figures"));
            AnsiConsole.MarkupLine($"Copied the report and figures to {Markup.Escape(paths.Reference)}");
        }
        Output.ClaimTable(checks);
        return 0;
    }
}

/// <summary>`accept`: renames every received golden file to verified.</summary>
public sealed class AcceptCommand : Command<CommonSettings>
{
    public override int Execute(CommandContext context, CommonSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        var accepted = GoldenStore.AcceptAll(paths.GoldenRoot);
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
        }
        return 0;
    }
}

internal static class Output
{
    public static int DrawFigures(IEnumerable<Experiment> experiments, Profile profile, ProjectPaths paths)
    {
        int drawn = 0;
        foreach (var experiment in experiments)
        {
            object? result = RunStore.Load(experiment, profile, paths);
            if (result is null) continue;
            foreach (var figure in Catalog.FiguresOf(experiment))
            {
                string file = FigureWriter.Write(paths.Figures, figure, result, profile);
                AnsiConsole.MarkupLine($"figure {figure.Number,2}: {Markup.Escape(file)}");
                drawn++;
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
            string golden = check.Golden is null ? "" : check.Golden.Ok ? "[green]match[/]" : $"[red]{check.Golden.Status.ToString().ToLowerInvariant()}[/]";
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

    public static int Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return 2;
    }
}
