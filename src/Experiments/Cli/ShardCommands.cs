using Homework.Experiments.Core;
using Homework.Experiments.Reporting;
using Homework.Experiments.Sharding;
using Spectre.Console;
using Spectre.Console.Cli;
using Profile = Homework.Experiments.Core.Profile;

namespace Homework.Experiments.Cli;

/// <summary>`run ... --shard i/n [--plan]`: prints the plan, then trains this shard's units as part-runs.</summary>
internal static class ShardRun
{
    public static int Execute(RunSettings settings, Shard shard, IReadOnlyList<(Experiment Experiment, object Config)> work, ProjectPaths paths,
        CancellationToken cancellation)
    {
        var profile = settings.Profile;
        string selection = string.Equals(settings.Experiment, "all", StringComparison.OrdinalIgnoreCase) ? "all" : work[0].Experiment.Name;
        var plan = ShardPlan.Create(work, profile, shard.Count, selection);
        PrintPlan(plan, shard.Index);
        if (settings.Plan) return 0;

        var units = plan.UnitsOf(shard.Index);
        if (units.Count == 0)
        {
            AnsiConsole.MarkupLine($"Shard {shard} has nothing to train: the plan has {plan.Units.Count} units for {shard.Count} shards.");
            return 0;
        }
        AnsiConsole.MarkupLine($"LibTorch {Markup.Escape(TorchRuntime.EnsureLoaded())}; profile [bold]{profile.Slug()}[/]; shard {shard}; part-runs in {Markup.Escape(paths.Runs)}");
        // The shard's units side by side, longest first, on one pool of --jobs slots (SideBySide).
        var context = new RunContext { DataDirectory = paths.DataDirectory, Jobs = settings.Jobs ?? Environment.ProcessorCount, Threads = settings.Threads };
        Observers.With(observer =>
        {
            SideBySide.Run([.. units.Select(u => u.EstimatedSeconds)], context.Jobs, cancellation, turn =>
            {
                var unit = units[turn.Index];
                var saved = PartRuns.RunAndSave(unit, plan, turn.Apply(context with { Observer = observer }), paths, settings.Overrides);
                AnsiConsole.MarkupLine($"[green]{Markup.Escape(unit.Id)}[/] finished in {ReportWriter.Duration(saved.Info.Seconds)}; part-run saved to {Markup.Escape(saved.Directory)}");
            });
            return 0;
        });
        AnsiConsole.MarkupLine($"Shard {shard} done. When every shard is done: `merge --profile {profile.Slug()} <the shards' folders>` " +
                               "writes each experiment's whole run (parts are never read by check, figures or report).");
        return 0;
    }

    private static void PrintPlan(ShardPlan plan, int current)
    {
        double longest = Enumerable.Range(1, plan.Count).Max(plan.EstimatedSeconds);
        AnsiConsole.MarkupLine(
            $"Plan {plan.Id}: {Markup.Escape(plan.Selection)} at the {plan.Profile.Slug()} profile in {plan.Count} shard{(plan.Count == 1 ? "" : "s")}, " +
            $"{plan.Units.Count} units, estimated {ReportWriter.Duration(plan.Units.Sum(u => u.EstimatedSeconds))} of work, the longest shard {ReportWriter.Duration(longest)}.");
        var table = new Table().Border(TableBorder.Simple).AddColumn("shard").AddColumn("estimated").AddColumn("units (estimated time)");
        for (int s = 1; s <= plan.Count; s++)
        {
            string units = string.Join(", ", plan.UnitsOf(s).Select(u => $"{u.Id} ({ReportWriter.Duration(u.EstimatedSeconds)})"));
            string name = $"{s}/{plan.Count}";
            table.AddRow(s == current ? $"[bold]{name} <- this one[/]" : name, ReportWriter.Duration(plan.EstimatedSeconds(s)), Markup.Escape(units.Length == 0 ? "(nothing)" : units));
        }
        AnsiConsole.Write(table);
    }
}

/// <summary>`merge`: checks the part-runs of a sharded run and writes each experiment's whole run.</summary>
public sealed class MergeCommand : Command<MergeSettings>
{
    public override int Execute(CommandContext context, MergeSettings settings, CancellationToken cancellation)
    {
        var paths = settings.Paths();
        IReadOnlyList<string> folders = settings.Folders.Length > 0 ? settings.Folders : [paths.Artifacts];
        var merged = ShardMerge.Merge(folders, settings.Profile, paths, settings.AllowMixedNumerics);
        foreach (var run in merged)
        {
            var sharded = run.Info.Sharded!;
            string parts = string.Join(", ", sharded.Parts.Select(p => $"{p.Unit} from shard {p.Shard}/{sharded.Shards} ({ReportWriter.Duration(p.Seconds)})"));
            string numerics = run.Info.Numerics is null ? " [yellow](parts on different floating-point paths: no fingerprint recorded, golden comparison portable only)[/]" : "";
            AnsiConsole.MarkupLine($"[green]{run.Experiment.Name}[/]: {Markup.Escape(parts)} -> {Markup.Escape(run.Directory)}{numerics}");
        }
        string profile = settings.Profile.Slug();
        AnsiConsole.MarkupLine(merged.All(r => r.IsPreset)
            ? $"Merged {merged.Count} experiment(s). Next: `figures --profile {profile}`, `report --profile {profile}`, `check --profile {profile}`."
            : $"Merged {merged.Count} experiment(s); the config is not the {profile} preset, so check, figures and report do not read it.");
        return 0;
    }
}
