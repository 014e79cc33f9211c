using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Experiments.Reporting;

/// <summary>A claim's outcome with its golden-file check, or the reason it could not be evaluated.</summary>
public sealed record ClaimCheck(Claim Claim, ClaimOutcome? Outcome, GoldenCheck? Golden, string? Missing);

/// <summary>Evaluates claims from saved results (no training) and, if asked, checks them against their golden files.</summary>
public static class ClaimChecks
{
    public static IReadOnlyList<ClaimCheck> Evaluate(IEnumerable<Experiment> experiments, Profile profile, ProjectPaths paths, bool checkGolden)
    {
        var store = new GoldenStore(paths.GoldenDirectory(profile));
        var checks = new List<ClaimCheck>();
        foreach (var experiment in experiments)
        {
            object? result = RunStore.Load(experiment, profile, paths);
            var numerics = result is null ? null : RunStore.LoadInfo(experiment, profile, paths)?.Numerics;
            foreach (var claim in Catalog.ClaimsOf(experiment))
            {
                if (result is null)
                {
                    checks.Add(new ClaimCheck(claim, null, null, $"no result: run `run {experiment.Name} --profile {profile.Slug()}` first"));
                    continue;
                }
                var outcome = claim.Evaluate(result, profile);
                checks.Add(new ClaimCheck(claim, outcome, checkGolden ? store.Check(outcome.ToGolden(numerics)) : null, null));
            }
        }
        return checks;
    }
}
