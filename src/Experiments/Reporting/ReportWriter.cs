using System.Globalization;
using System.Text;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Reporting;

/// <summary>
/// Writes <c>report.md</c>: how many findings reproduce, then one row per claim (id, kind, the
/// report's words, verdict, effect with its 95% interval, k/n seeds alone on the claimed side,
/// key numbers, figure links), then the evidence of every finding that did not reproduce, then
/// what each run cost and on which floating-point path. It reads saved results only.
/// </summary>
public static class ReportWriter
{
    /// <summary>"14 of 20 findings reproduced (3 contradicted, 2 inconclusive, 1 premise absent); 2 of 2 checks pass; 1 artifact shown".</summary>
    public static string Tally(IEnumerable<ClaimOutcome> outcomes)
    {
        var all = outcomes.ToList();
        var findings = all.Where(o => o.Claim.Kind == ClaimKind.Finding).ToList();
        var checks = all.Where(o => o.Claim.Kind == ClaimKind.Check).ToList();
        int artifacts = all.Count(o => o.Claim.Kind == ClaimKind.Artifact);
        var others = new[] { Verdict.Contradicted, Verdict.Inconclusive, Verdict.PremiseAbsent }
            .Select(v => (v, n: findings.Count(f => f.Verdict == v))).Where(x => x.n > 0).Select(x => $"{x.n} {x.v.Words()}").ToList();
        return $"{findings.Count(f => f.Verdict == Verdict.Reproduced)} of {findings.Count} findings reproduced" + (others.Count > 0 ? $" ({string.Join(", ", others)})" : "") +
               $"; {checks.Count(c => c.Verdict == Verdict.Reproduced)} of {checks.Count} checks pass" +
               (artifacts > 0 ? $"; {artifacts} artifact{(artifacts == 1 ? "" : "s")} of the report's own measure shown, not counted" : "");
    }

    public static string Render(IReadOnlyList<ClaimCheck> checks, Profile profile, IReadOnlyList<(Experiment Experiment, RunInfo? Info)> runs, string figureFolder,
        IReadOnlyList<RobustnessTable>? robustness = null)
    {
        var text = new StringBuilder();
        var outcomes = checks.Where(c => c.Outcome is not null).Select(c => c.Outcome!).ToList();
        text.AppendLine($"# Reproduction report: {profile.Slug()} profile");
        text.AppendLine();
        text.AppendLine($"{Tally(outcomes)} ({checks.Count} claims in all, {checks.Count - outcomes.Count} not run). " +
                        "Each claim is decided by an effect and its 95% interval across seeds: *reproduced* when the interval lies on the side of the threshold the claim asserts, " +
                        "*contradicted* when it lies on the other side, *inconclusive* when it straddles it. \"k/n\" counts the seeds that alone lie on the claimed side; it does not decide.");
        text.AppendLine();
        text.AppendLine("| claim | kind | the report says | verdict | effect [95% interval] | k/n | key numbers | figures |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var check in checks)
        {
            var claim = check.Claim;
            string figures = string.Join(" ", claim.Figures.Select(n => Catalog.Figures.FirstOrDefault(f => f.Number == n) is { } f
                ? $"[{n}]({figureFolder}/{f.FileName})" : n.ToString(CultureInfo.InvariantCulture)));
            string verdict = check.Outcome is null ? "not run" : check.Outcome.Verdict == Verdict.Reproduced ? check.Outcome.VerdictWords : $"**{check.Outcome.VerdictWords}**";
            string effect = check.Outcome is null ? "" : check.Outcome.Evidence.Effect.Describe();
            string seeds = check.Outcome is null ? "" : $"{check.Outcome.Holds}/{check.Outcome.Seeds}";
            string numbers = check.Outcome?.Evidence.Summary ?? check.Missing ?? "";
            text.AppendLine($"| `{claim.Id}` | {claim.Kind.ToString().ToLowerInvariant()} | “{Markdown.Cell(claim.Statement)}” | {verdict} | {Markdown.Cell(effect)} | {seeds} | {Markdown.Cell(numbers)} | {figures} |");
        }

        var failed = checks.Where(c => c.Outcome is { Verdict: not Verdict.Reproduced }).ToList();
        if (failed.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## Claims that did not reproduce");
            foreach (var check in failed)
            {
                var outcome = check.Outcome!;
                text.AppendLine();
                text.AppendLine($"### `{check.Claim.Id}`: {outcome.VerdictWords}");
                text.AppendLine();
                text.AppendLine($"> {check.Claim.Statement}");
                text.AppendLine();
                text.AppendLine($"Measured as: {check.Claim.Criterion}");
                text.AppendLine();
                text.AppendLine($"Effect: {outcome.Evidence.Effect.Measure}, {outcome.Evidence.Effect.Describe()} ({outcome.Evidence.Effect.Interval}).{(outcome.Evidence.PremiseAbsent is { } why ? $" Premise absent: {why}." : "")} " +
                                $"{outcome.Evidence.Summary}; {outcome.HoldsText}.");
            }
        }

        if (robustness is { Count: > 0 })
            Robustness(text, robustness);

        text.AppendLine();
        text.AppendLine("## Runs");
        text.AppendLine();
        text.AppendLine("| experiment | part | finished (UTC) | wall time | jobs × threads | revision | machine | numerics |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (experiment, info) in runs)
            text.AppendLine(info is null
                ? $"| {experiment.Name} | {experiment.Part} | not run | | | | | |"
                : $"| {experiment.Name} | {experiment.Part} | {info.Finished:yyyy-MM-dd HH:mm} | {Duration(info.Seconds)} | {info.Jobs} × {info.Threads} | {Revision(info)} | {Markdown.Cell(info.Machine)} | {(info.Numerics is null ? "not recorded" : $"`{info.Numerics.Id}`")} |");

        // The fingerprints in full, once each: what decided the floating-point path of the runs above.
        var fingerprints = runs.Select(r => r.Info?.Numerics).OfType<Numerics>().DistinctBy(n => n.Id).ToList();
        if (fingerprints.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Numerics fingerprints (golden files are compared bit for bit on the fingerprint they were accepted on, through seed bands on any other):");
            text.AppendLine();
            foreach (var n in fingerprints)
                text.AppendLine($"- `{n.Id}`: CPU {n.Cpu}; ISA {n.Isa}; caches {n.Caches}; kernels {n.Kernels}; LibTorch {n.LibTorch}, TorchSharp {n.TorchSharp}; {n.Threads} intra-op thread(s); {n.Platform}");
        }
        return text.ToString();
    }

    /// <summary>The commit's first 12 hex digits, marked when the working tree had changes.</summary>
    public static string Revision(RunInfo info) =>
        info.Revision == SourceRevision.Unknown ? SourceRevision.Unknown
            : info.Revision[..Math.Min(12, info.Revision.Length)] + (info.WorkingTree == "dirty" ? " (dirty)" : "");

    /// <summary>
    /// "Robustness": per experiment with variants, one row per claim, the verdict under the preset and
    /// under each variant, and what the verdict depends on; the variants' reasons below the table.
    /// </summary>
    public static void Robustness(StringBuilder text, IReadOnlyList<RobustnessTable> tables)
    {
        text.AppendLine();
        text.AppendLine("## Robustness: the verdicts under the choices the report leaves unstated");
        text.AppendLine();
        var profiles = tables.Select(t => t.Profile.Slug()).Distinct().ToList();
        text.AppendLine($"Each variant changes one choice of the preset that the report does not state; its claims are judged by the same rules, " +
                        $"at the {string.Join(" and ", profiles)} profile's scale, beside the preset at that scale. " +
                        "Each cell: the verdict, then the effect and its 95% interval.");
        foreach (var table in tables)
        {
            text.AppendLine();
            text.AppendLine($"### `{table.Experiment.Name}`");
            text.AppendLine();
            text.AppendLine("| claim | preset | " + string.Join(" | ", table.Variants.Select(v => $"`{v.Name}`")) + " | depends on |");
            text.AppendLine("|---|---|" + string.Concat(table.Variants.Select(_ => "---|")) + "---|");
            foreach (var row in table.Rows)
                text.AppendLine($"| `{row.Claim.Id}` | {Cell(row.Preset)} | " + string.Join(" | ", row.Variants.Select(v => Cell(v.Outcome))) + $" | {Markdown.Cell(row.DependsOn)} |");
            text.AppendLine();
            foreach (var variant in table.Variants)
                text.AppendLine($"- `{variant.Name}`: {variant.Reason}");
        }

        static string Cell(ClaimOutcome? outcome) => outcome is null ? "not run"
            : $"{outcome.VerdictWords} {Effect.Number(outcome.Evidence.Effect.Estimate)} [{Effect.Number(outcome.Evidence.Effect.Low)}, {Effect.Number(outcome.Evidence.Effect.High)}]";
    }

    public static string Duration(double seconds) =>
        seconds < 90 ? $"{seconds:0} s" : $"{seconds / 60:0.0} min";
}
