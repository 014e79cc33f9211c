using Homework.Experiments.Core;
using Homework.Experiments.Reporting;
using Spectre.Console;
using Profile = Homework.Experiments.Core.Profile;

namespace Homework.Experiments.Cli;

/// <summary>
/// <c>run &lt;experiment&gt; --variant &lt;name|all&gt;</c>: trains named variants of experiments, saves
/// each in its own folder, prints their verdicts beside the preset's and, with <c>--check</c>,
/// compares them with the variants' golden files.
/// </summary>
internal static class VariantRun
{
    public static int Execute(RunSettings settings, string name, IReadOnlyList<Experiment> experiments, ProjectPaths paths, CancellationToken cancellation)
    {
        var profile = settings.Profile;
        // Every variant's config is resolved and validated before anything trains: an unknown name lists the valid ones.
        var jobs = experiments.SelectMany(e => (name == "all" ? e.VariantList.Select(v => v.Name) : [name])
            .Select(v => (Experiment: e, Variant: v, Config: e.VariantConfig(profile, v)))).ToList();
        if (jobs.Count == 0)
            throw new UsageException($"{string.Join(", ", experiments.Select(e => e.Name))} declare no variants; `list` shows the experiments that do.");
        AnsiConsole.MarkupLine($"LibTorch {Markup.Escape(TorchRuntime.EnsureLoaded())}; profile [bold]{profile.Slug()}[/]; {jobs.Count} variant run(s); results in {Markup.Escape(paths.Runs)}");

        var checks = new List<(Experiment Experiment, string Variant, IReadOnlyList<ClaimCheck> Checks)>();
        foreach (var (experiment, variant, config) in jobs)
        {
            cancellation.ThrowIfCancellationRequested();
            var run = new RunContext
            {
                DataDirectory = paths.DataDirectory,
                Jobs = settings.Jobs ?? Environment.ProcessorCount,
                Threads = settings.Threads,
                Cancellation = cancellation,
            };
            var saved = Observers.With(observer => RunStore.RunAndSave(experiment, config, profile, run with { Observer = observer }, paths));
            AnsiConsole.MarkupLine($"[green]{experiment.Name}[/], variant [bold]{Markup.Escape(variant)}[/], finished in {ReportWriter.Duration(saved.Info.Seconds)}; saved to {Markup.Escape(saved.Directory)}");
            if (!settings.NoFigures)
                Output.DrawFigures(experiment, saved, profile, Path.Combine(saved.Directory, "figures"));
            checks.Add((experiment, variant, ClaimChecks.EvaluateVariant(experiment, variant, saved, profile, paths, settings.Check)));
        }

        var presets = ClaimChecks.Evaluate(ClaimChecks.LoadPresets(jobs.Select(j => j.Experiment).Distinct(), profile, paths), profile, paths, checkGolden: false);
        foreach (var table in RobustnessTable.Of(profile, presets, checks).Where(t => jobs.Any(j => j.Experiment == t.Experiment)))
            Output.RobustnessTable(table, jobs.Where(j => j.Experiment == table.Experiment).Select(j => j.Variant).ToHashSet());
        return settings.Check ? Output.GoldenFailures(checks.SelectMany(c => c.Checks).ToList()) : 0;
    }
}
