using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Experiments.Reporting;

/// <summary>A claim's outcome with its golden-file check, or the reason it could not be evaluated.</summary>
public sealed record ClaimCheck(Claim Claim, ClaimOutcome? Outcome, GoldenCheck? Golden, string? Missing);

/// <summary>Evaluates claims from saved results (no training) and, if asked, checks them against their golden files.</summary>
public static class ClaimChecks
{
    /// <summary>
    /// The saved preset run of each experiment (null where there is none). Everything is read
    /// before anything is judged or written, so a refused run folder (see
    /// <see cref="RunStore.LoadPreset"/>) stops a command before it writes a single received file.
    /// </summary>
    public static IReadOnlyList<(Experiment Experiment, SavedRun? Run)> LoadPresets(IEnumerable<Experiment> experiments, Profile profile, ProjectPaths paths) =>
        experiments.Select(e => (e, RunStore.LoadPreset(e, profile, paths))).ToList();

    /// <summary>The claims of every experiment's preset run at <paramref name="profile"/>, with their golden checks if asked.</summary>
    public static IReadOnlyList<ClaimCheck> Evaluate(IReadOnlyList<(Experiment Experiment, SavedRun? Run)> runs, Profile profile, ProjectPaths paths, bool checkGolden)
    {
        var store = new GoldenStore(paths.GoldenDirectory(profile));
        var checks = new List<ClaimCheck>();
        foreach (var (experiment, run) in runs)
            foreach (var claim in Catalog.ClaimsOf(experiment))
            {
                if (run is null)
                {
                    checks.Add(new ClaimCheck(claim, null, null, $"no result: run `run {experiment.Name} --profile {profile.Slug()}` first"));
                    continue;
                }
                var outcome = claim.Evaluate(run.Result, profile);
                checks.Add(new ClaimCheck(claim, outcome, checkGolden ? store.Check(outcome.ToGolden(run.Info.Numerics, batchOrder: run.Info.BatchOrder)) : null, null));
            }
        return checks;
    }

    /// <summary>
    /// The claims of a named variant's run, checked against that variant's golden files if asked
    /// (<see cref="ProjectPaths.VariantGoldenDirectory"/>).
    /// </summary>
    public static IReadOnlyList<ClaimCheck> EvaluateVariant(Experiment experiment, string variant, SavedRun? run, Profile profile, ProjectPaths paths, bool checkGolden)
    {
        var store = new GoldenStore(paths.VariantGoldenDirectory(profile, experiment.Name, variant));
        return Catalog.ClaimsOf(experiment).Select(claim =>
        {
            if (run is null)
                return new ClaimCheck(claim, null, null, $"no result: run `run {experiment.Name} --profile {profile.Slug()} --variant {variant}` first");
            var outcome = claim.Evaluate(run.Result, profile);
            return new ClaimCheck(claim, outcome, checkGolden ? store.Check(outcome.ToGolden(run.Info.Numerics, variant, run.Info.BatchOrder)) : null, null);
        }).ToList();
    }

    /// <summary>Every variant of every experiment with its saved run (null where it has not been run), read before anything is judged.</summary>
    public static IReadOnlyList<(Experiment Experiment, string Variant, SavedRun? Run)> LoadVariants(IEnumerable<Experiment> experiments, Profile profile, ProjectPaths paths) =>
        experiments.SelectMany(e => e.VariantList.Select(v => (e, v.Name, RunStore.LoadVariant(e, profile, v.Name, paths)))).ToList();

    /// <summary>
    /// The claims judged on a run whose config is not the preset's (<c>--set</c>): never compared
    /// with golden files, which hold the preset's values. A claim whose check cannot handle the
    /// run's config (one seed, one batch size, a shifted α range) is reported as such, instead of
    /// ending the command after the run was saved.
    /// </summary>
    public static IReadOnlyList<ClaimCheck> OfOverrideRun(Experiment experiment, SavedRun run, Profile profile)
    {
        var checks = new List<ClaimCheck>();
        foreach (var claim in Catalog.ClaimsOf(experiment))
        {
            try
            {
                checks.Add(new ClaimCheck(claim, claim.Evaluate(run.Result, profile), null, null));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                checks.Add(new ClaimCheck(claim, null, null, $"cannot be judged on this run's config ({e.GetType().Name}: {e.Message})"));
            }
        }
        return checks;
    }
}
