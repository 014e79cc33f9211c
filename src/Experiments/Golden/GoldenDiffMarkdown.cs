using System.Text;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

/// <summary>
/// Writes a <see cref="GoldenDiff"/> as Markdown for a pull request or a CI job summary, in
/// the order a reviewer asks: which verdicts flipped, which numbers moved and whether by
/// more than their tolerance, which golden files came or went, then any other field that changed.
/// </summary>
internal static class GoldenDiffMarkdown
{
    public static string Render(GoldenDiff diff)
    {
        if (diff.IsEmpty)
            return $"No golden-metric changes against {diff.Against}.\n";

        var text = new StringBuilder();
        text.AppendLine($"## Golden-metric changes against {diff.Against}");

        var flips = diff.Changed.Where(c => c.VerdictFlipped).ToList();
        if (flips.Count > 0)
        {
            Heading(text, "Verdict flips");
            Header(text, "profile", "claim", "the report says", "verdict", "seeds");
            foreach (var flip in flips)
                Row(text, flip.Profile, Code(flip.Claim), Quote(flip.New.Statement),
                    $"{flip.Old.Verdict.Words()} → {flip.New.Verdict.Words()}",
                    $"{flip.Old.Holds}/{flip.Old.Seeds} → {flip.New.Holds}/{flip.New.Seeds}");
        }

        var metrics = diff.Changed.SelectMany(c => c.Metrics.Select(row => (c.Profile, c.Claim, Row: row))).ToList();
        if (metrics.Count > 0)
        {
            Heading(text, "Changed metrics");
            int files = diff.Changed.Count(c => c.Metrics.Count > 0);
            int outside = metrics.Count(m => !m.Row.Ok);
            text.AppendLine($"{Count(metrics.Count, "metric")} changed in {Count(files, "golden file")}; {outside} outside their tolerance.");
            text.AppendLine();
            Header(text, "profile", "claim", "metric", "old", "new", "change", "relative", "tolerance", "within tolerance");
            foreach (var (profile, claim, row) in metrics)
                Row(text, profile, Code(claim), row.Name, row.Golden, row.Actual, row.Change, row.Relative, row.Tolerance, row.Ok ? "yes" : "**no**");
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

    private static void Files(StringBuilder text, string heading, IReadOnlyList<GoldenFileEntry> files)
    {
        if (files.Count == 0) return;
        Heading(text, heading);
        Header(text, "profile", "claim", "the report says", "verdict", "seeds");
        foreach (var file in files)
            Row(text, file.Profile, Code(file.Claim), Quote(file.Record.Statement), file.Record.Verdict.Words(), $"{file.Record.Holds}/{file.Record.Seeds}");
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
