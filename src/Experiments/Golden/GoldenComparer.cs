using System.Globalization;
using System.Text;
using Homework.Experiments.Claims;

namespace Homework.Experiments.Golden;

/// <summary>One compared value: its name, both values, their difference and the tolerance.</summary>
public sealed record ComparisonRow(string Name, string Golden, string Actual, string Difference, string Tolerance, bool Ok);

/// <summary>The outcome of comparing a run with its golden file.</summary>
public sealed record GoldenComparison(IReadOnlyList<ComparisonRow> Rows)
{
    public bool Ok => Rows.All(r => r.Ok);

    public IReadOnlyList<ComparisonRow> Failures => Rows.Where(r => !r.Ok).ToList();

    /// <summary>
    /// A Markdown table of the values that do not match (metric | golden | actual |
    /// difference | tolerance), with a count of those that do.
    /// </summary>
    public string FormatFailures()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Failures.Count} of {Rows.Count} values differ from the golden file:");
        text.AppendLine();
        text.AppendLine("| metric | golden | actual | difference | tolerance |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var row in Failures)
            text.AppendLine($"| {row.Name} | {row.Golden} | {row.Actual} | {row.Difference} | {row.Tolerance} |");
        return text.ToString();
    }
}

/// <summary>
/// Compares a claim's fresh outcome with its golden record: the words, figures, verdict
/// and k/n exactly, integer/boolean/text metrics exactly, and real metrics within the
/// tolerance the claim declares for them. A real metric without a declared tolerance
/// fails, so no number is ever compared against an accidental default.
/// </summary>
public static class GoldenComparer
{
    public static GoldenComparison Compare(GoldenRecord golden, GoldenRecord actual, IReadOnlyList<ToleranceRule> rules)
    {
        var rows = new List<ComparisonRow>
        {
            Exact("claim", golden.Claim, actual.Claim),
            Exact("statement", golden.Statement, actual.Statement),
            Exact("criterion", golden.Criterion, actual.Criterion),
            Exact("profile", golden.Profile, actual.Profile),
            Exact("figures", string.Join(",", golden.Figures), string.Join(",", actual.Figures)),
            Exact("verdict", golden.Verdict.Words(), actual.Verdict.Words()),
            Exact("holds", $"{golden.Holds} of {golden.Seeds}", $"{actual.Holds} of {actual.Seeds}"),
        };

        foreach (string name in golden.Metrics.Keys.Union(actual.Metrics.Keys).Order(StringComparer.Ordinal))
        {
            bool inGolden = golden.Metrics.TryGetValue(name, out var g);
            bool inActual = actual.Metrics.TryGetValue(name, out var a);
            if (!inActual)
                rows.Add(new ComparisonRow(name, g.ToString(), "(missing)", "", "", false));
            else if (!inGolden)
                rows.Add(new ComparisonRow(name, "(missing)", a.ToString(), "", "", false));
            else
                rows.Add(CompareMetric(name, g, a, rules));
        }
        return new GoldenComparison(rows);
    }

    private static ComparisonRow CompareMetric(string name, MetricValue golden, MetricValue actual, IReadOnlyList<ToleranceRule> rules)
    {
        if (golden.Kind != actual.Kind)
            return new ComparisonRow(name, $"{golden} ({golden.Kind})", $"{actual} ({actual.Kind})", "type changed", "exact", false);
        if (golden.Kind != MetricKind.Real)
        {
            bool same = golden.Equals(actual);
            string diff = golden.Kind == MetricKind.Integer && !same ? Signed(actual.Integer - golden.Integer) : "";
            return new ComparisonRow(name, golden.ToString(), actual.ToString(), diff, "exact", same);
        }

        var tolerance = ToleranceRule.Find(rules, name);
        string difference = Difference(golden.Real, actual.Real);
        if (tolerance is null)
            return new ComparisonRow(name, golden.ToString(), actual.ToString(), difference, "none declared: add a tolerance rule to the claim", false);
        return new ComparisonRow(name, golden.ToString(), actual.ToString(), difference, tolerance.ToString(), tolerance.Accepts(golden.Real, actual.Real));
    }

    private static ComparisonRow Exact(string name, string golden, string actual) =>
        new(name, golden, actual, "", "exact", string.Equals(golden, actual, StringComparison.Ordinal));

    private static string Difference(double golden, double actual)
    {
        if (!double.IsFinite(golden) || !double.IsFinite(actual)) return "";
        double diff = actual - golden;
        if (diff == 0) return "0";
        string abs = Signed(diff);
        return golden == 0 ? abs : $"{abs} ({(diff / Math.Abs(golden) * 100).ToString("+0.###;-0.###", CultureInfo.InvariantCulture)}%)";
    }

    private static string Signed(double value) =>
        value.ToString("+0.####E+0;-0.####E+0", CultureInfo.InvariantCulture);
}
