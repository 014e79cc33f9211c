using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Reporting;

/// <summary>
/// One claim under its experiment's preset and under each of its variants: which verdicts hold
/// whatever the unstated choices, and which depend on one. Built from saved runs, never by training.
/// </summary>
public sealed record RobustnessRow(Claim Claim, ClaimOutcome? Preset, IReadOnlyList<(VariantInfo Variant, ClaimOutcome? Outcome)> Variants)
{
    /// <summary>
    /// "the same under every variant run (4)", or "changes under minibatch-128 (inconclusive),
    /// domain-0-2 (reproduced)": what the verdict depends on, from the runs at hand.
    /// </summary>
    public string DependsOn
    {
        get
        {
            if (Preset is null) return "the preset has not been run";
            var run = Variants.Where(v => v.Outcome is not null).ToList();
            if (run.Count == 0) return "no variant has been run";
            var changed = run.Where(v => v.Outcome!.Verdict != Preset.Verdict).ToList();
            return changed.Count == 0
                ? $"the same under every variant run ({run.Count})"
                : $"changes under {string.Join(", ", changed.Select(v => $"{v.Variant.Name} ({v.Outcome!.VerdictWords})"))}";
        }
    }
}

/// <summary>The robustness table of one experiment: its variants as columns, its claims as rows.</summary>
public sealed record RobustnessTable(Experiment Experiment, Profile Profile, IReadOnlyList<VariantInfo> Variants, IReadOnlyList<RobustnessRow> Rows)
{
    /// <summary>
    /// The scale the variants are pinned at (their golden files): quick, five seeds each. Reports of
    /// any profile show the robustness table of variant runs at their own profile if there are any,
    /// else at this one.
    /// </summary>
    public const Profile VariantProfile = Profile.Quick;

    /// <summary>
    /// The tables of every experiment with variants, from the preset checks and the variant checks
    /// at one profile (outcomes absent where a run is missing).
    /// </summary>
    public static IReadOnlyList<RobustnessTable> Of(Profile profile, IReadOnlyList<ClaimCheck> presets, IReadOnlyList<(Experiment Experiment, string Variant, IReadOnlyList<ClaimCheck> Checks)> variants) =>
        Catalog.Experiments.Where(e => e.VariantList.Count > 0).Select(experiment => new RobustnessTable(experiment, profile, experiment.VariantList,
            Catalog.ClaimsOf(experiment).Select(claim => new RobustnessRow(claim,
                presets.FirstOrDefault(c => c.Claim == claim)?.Outcome,
                experiment.VariantList.Select(v => (v, variants.FirstOrDefault(x => x.Experiment == experiment && x.Variant == v.Name).Checks?
                    .FirstOrDefault(c => c.Claim == claim)?.Outcome)).ToList())).ToList())).ToList();
}
