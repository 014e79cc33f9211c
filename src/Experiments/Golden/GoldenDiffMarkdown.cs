using System.Globalization;
using System.Text;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

/// <summary>
/// Writes a <see cref="GoldenDiff"/> as Markdown for a pull request or a CI job summary, in
/// the order a reviewer asks: which files changed floating-point path, which verdicts flipped,
/// which numbers moved beyond what the seeds span, which within it, how many single seeds'
/// values moved (seed noise), which golden files came or went, then any other field that changed.
/// </summary>
internal static class GoldenDiffMarkdown
{
    public static string Render(GoldenDiff diff)
    {
        if (diff.IsEmpty)
            return $"No golden-metric changes against {diff.Against}.\n";

        var text = new StringBuilder();
        text.AppendLine($"## Golden-metric changes against {diff.Against}");

        var paths = diff.Changed.Where(c => c.FingerprintChanged).ToList();
        if (paths.Count > 0)
        {
            Heading(text, "Numerics fingerprints");
            text.AppendLine($"{Count(paths.Count, "golden file")} changed floating-point path, so numbers there move by seed noise as well; " +
                            "judge them by the seed band, not by their digits.");
            text.AppendLine();
            Header(text, "profile", "claim", "old fingerprint", "new fingerprint");
            foreach (var change in paths)
                Row(text, change.Profile, Code(change.Claim), Fingerprint(change.Old), Fingerprint(change.New));
        }

        var flips = diff.Changed.Where(c => c.VerdictFlipped).ToList();
        if (flips.Count > 0)
        {
            Heading(text, "Verdict flips");
            Header(text, "profile", "claim", "the report says", "verdict", "seeds");
            foreach (var flip in flips)
                Row(text, flip.Profile, Code(flip.Claim), Quote(flip.New.Statement),
                    $"{flip.Old.VerdictWords} → {flip.New.VerdictWords}",
                    $"{flip.Old.Holds}/{flip.Old.Seeds} → {flip.New.Holds}/{flip.New.Seeds}");
        }

        var effects = diff.Changed.Where(c => c.Old.Effect.Describe() != c.New.Effect.Describe()).ToList();
        if (effects.Count > 0)
        {
            Heading(text, "Effects");
            text.AppendLine("The number each verdict is decided by, with its 95% interval, where it moved.");
            text.AppendLine();
            Header(text, "profile", "claim", "effect", "old", "new");
            foreach (var change in effects)
                Row(text, change.Profile, Code(change.Claim), change.New.Effect.Measure, change.Old.Effect.Describe(), change.New.Effect.Describe());
        }

        Metrics(text, "Changes outside the seed band",
            "Medians over seeds outside the band of the old seeds (their span widened by the seeds' scatter), and values that must not move at all.",
            diff.Changed.SelectMany(c => c.OutsideBand.Select(row => (c.Profile, c.Claim, Row: row))).ToList());
        Metrics(text, "Changes within the seed band",
            "Medians over seeds that moved, but no further than the old seeds themselves scatter, and values shown without a band.",
            diff.Changed.SelectMany(c => c.WithinBand.Select(row => (c.Profile, c.Claim, Row: row))).ToList());

        var noise = diff.Changed.Where(c => c.SeedValues.Any()).ToList();
        if (noise.Count > 0)
        {
            Heading(text, "Seed noise");
            text.AppendLine("Single seeds' values that moved; they are judged through the medians above, not one by one.");
            text.AppendLine();
            Header(text, "profile", "claim", "values moved", "inside the old seeds' span", "beyond it");
            foreach (var change in noise)
            {
                var rows = change.SeedValues.ToList();
                Row(text, change.Profile, Code(change.Claim), rows.Count.ToString(CultureInfo.InvariantCulture),
                    rows.Count(r => r.Rule == GoldenComparer.SeedNoise).ToString(CultureInfo.InvariantCulture),
                    rows.Count(r => r.Rule == GoldenComparer.BeyondSeeds).ToString(CultureInfo.InvariantCulture));
            }
        }

        Files(text, "Added golden files", diff.Added);
        Files(text, "Removed golden files", diff.Removed);

        var fields = diff.Changed.SelectMany(c => c.Fields.Select(row => (c.Profile, c.Claim, Row: row))).ToList();
        if (fields.Count > 0)
        {
            Heading(text, "Other changed fields");
            Header(text, "profile", "claim", "field", "old", "new");
            foreach (var (profile, claim, row) in fields)
                Row(text, profile, Code(claim), row.Name, row.Golden, row.Actual);
        }
        return text.ToString();
    }

    private static void Metrics(StringBuilder text, string heading, string explanation, IReadOnlyList<(string Profile, string Claim, ComparisonRow Row)> metrics)
    {
        if (metrics.Count == 0) return;
        Heading(text, heading);
        text.AppendLine($"{explanation} {Count(metrics.Count, "value")} in {Count(metrics.Select(m => (m.Profile, m.Claim)).Distinct().Count(), "golden file")}.");
        text.AppendLine();
        Header(text, "profile", "claim", "metric", "old", "new", "change", "relative", "rule");
        foreach (var (profile, claim, row) in metrics)
            Row(text, profile, Code(claim), row.Name, row.Golden, row.Actual, row.Change, row.Relative, row.Rule);
    }

    private static string Fingerprint(GoldenRecord record) => record.Numerics?.ToString() ?? "not recorded";

    private static void Files(StringBuilder text, string heading, IReadOnlyList<GoldenFileEntry> files)
    {
        if (files.Count == 0) return;
        Heading(text, heading);
        Header(text, "profile", "claim", "the report says", "verdict", "seeds");
        foreach (var file in files)
            Row(text, file.Profile, Code(file.Claim), Quote(file.Record.Statement), file.Record.VerdictWords, $"{file.Record.Holds}/{file.Record.Seeds}");
    }

    private static void Heading(StringBuilder text, string heading)
    {
        text.AppendLine();
        text.AppendLine($"### {heading}");
        text.AppendLine();
    }

    private static void Header(StringBuilder text, params string[] columns)
    {
        Row(text, columns);
        text.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", columns.Length)));
    }

    private static void Row(StringBuilder text, params string[] cells) =>
        text.AppendLine("| " + string.Join(" | ", cells.Select(Markdown.Cell)) + " |");

    private static string Code(string id) => $"`{id}`";

    private static string Quote(string statement) => $"“{statement}”";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
