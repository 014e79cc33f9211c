using System.Globalization;
using System.Text;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Reporting;

/// <summary>
/// Writes <c>report.md</c>: one row per claim (id, the report's words, verdict, k/n seeds,
/// key numbers, figure links), then the evidence of every claim that did not reproduce,
/// then what each run cost. It reads saved results only.
/// </summary>
public static class ReportWriter
{
    public static string Render(IReadOnlyList<ClaimCheck> checks, Profile profile, IReadOnlyList<(Experiment Experiment, RunInfo? Info)> runs, string figureFolder,
        IReadOnlyList<RobustnessTable>? robustness = null)
    {
        var text = new StringBuilder();
        int reproduced = checks.Count(c => c.Outcome?.Verdict == Verdict.Reproduced);
        int evaluated = checks.Count(c => c.Outcome is not null);
        text.AppendLine($"# Reproduction report: {profile.Slug()} profile");
        text.AppendLine();
        text.AppendLine($"{reproduced} of {evaluated} evaluated claims reproduced ({checks.Count} claims in all). " +
                        "A claim is *reproduced* when it holds in a strict majority of the profile's seeds.");
        text.AppendLine();
        text.AppendLine("| claim | the report says | verdict | seeds | key numbers | figures |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var check in checks)
        {
            var claim = check.Claim;
            string figures = string.Join(" ", claim.Figures.Select(n => Catalog.Figures.FirstOrDefault(f => f.Number == n) is { } f
                ? $"[{n}]({figureFolder}/{f.FileName})" : n.ToString(CultureInfo.InvariantCulture)));
            string verdict = check.Outcome is null ? "not run" : check.Outcome.Verdict == Verdict.Reproduced ? "reproduced" : "**not reproduced**";
            string seeds = check.Outcome is null ? "" : $"{check.Outcome.Holds}/{check.Outcome.Seeds}";
            string numbers = check.Outcome?.Evidence.Summary ?? check.Missing ?? "";
            text.AppendLine($"| `{claim.Id}` | “{Markdown.Cell(claim.Statement)}” | {verdict} | {seeds} | {Markdown.Cell(numbers)} | {figures} |");
        }

        var failed = checks.Where(c => c.Outcome?.Verdict == Verdict.NotReproduced).ToList();
        if (failed.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## Claims that did not reproduce");
            foreach (var check in failed)
            {
                text.AppendLine();
                text.AppendLine($"### `{check.Claim.Id}`");
                text.AppendLine();
                text.AppendLine($"> {check.Claim.Statement}");
                text.AppendLine();
                text.AppendLine($"Measured as: {check.Claim.Criterion} It {check.Outcome!.HoldsText}. {check.Outcome.Evidence.Summary}.");
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
        text.AppendLine("Each variant changes one choice of the preset that the report does not state; its claims are judged by the same rules.");
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

        static string Cell(ClaimOutcome? outcome) => outcome is null ? "not run" : outcome.Verdict.Words();
    }

    public static string Duration(double seconds) =>
        seconds < 90 ? $"{seconds:0} s" : $"{seconds / 60:0.0} min";
}
