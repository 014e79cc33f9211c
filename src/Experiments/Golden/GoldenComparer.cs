using System.Globalization;
using System.Text;
using Homework.Experiments.Claims;

namespace Homework.Experiments.Golden;

/// <summary>
/// One compared value: its name, both values as the golden file writes them, the signed
/// change and the change relative to the golden value (empty where they mean nothing),
/// and the tolerance.
/// </summary>
public sealed record ComparisonRow(string Name, string Golden, string Actual, string Change, string Relative, string Tolerance, bool Ok)
{
    /// <summary>The change with its relative size in brackets, "+1.002E-4 (+10.02%)", as failure tables show it.</summary>
    public string Difference => Relative.Length == 0 ? Change : $"{Change} ({Relative})";
}

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
    /// <summary>Names of the verdict and k/n rows, which a review diff reports together as a verdict flip.</summary>
    public const string VerdictField = "verdict", HoldsField = "holds";

    public static GoldenComparison Compare(GoldenRecord golden, GoldenRecord actual, IReadOnlyList<ToleranceRule> rules) =>
        new([.. CompareFields(golden, actual), .. CompareMetrics(golden, actual, rules)]);

    /// <summary>The claim's words, profile, figures, verdict and k/n, each exactly.</summary>
    public static IReadOnlyList<ComparisonRow> CompareFields(GoldenRecord golden, GoldenRecord actual) =>
    [
        Exact("claim", golden.Claim, actual.Claim),
        Exact("statement", golden.Statement, actual.Statement),
        Exact("criterion", golden.Criterion, actual.Criterion),
        Exact("profile", golden.Profile, actual.Profile),
        Exact("figures", string.Join(",", golden.Figures), string.Join(",", actual.Figures)),
        Exact(VerdictField, golden.Verdict.Words(), actual.Verdict.Words()),
        Exact(HoldsField, $"{golden.Holds} of {golden.Seeds}", $"{actual.Holds} of {actual.Seeds}"),
    ];

    /// <summary>Every metric of either record in ordinal order; a metric on one side only fails.</summary>
    public static IReadOnlyList<ComparisonRow> CompareMetrics(GoldenRecord golden, GoldenRecord actual, IReadOnlyList<ToleranceRule> rules)
    {
        var rows = new List<ComparisonRow>();
        foreach (string name in golden.Metrics.Keys.Union(actual.Metrics.Keys).Order(StringComparer.Ordinal))
        {
            bool inGolden = golden.Metrics.TryGetValue(name, out var g);
            bool inActual = actual.Metrics.TryGetValue(name, out var a);
            if (!inActual)
                rows.Add(new ComparisonRow(name, g.ToString(), Missing, "", "", "", false));
            else if (!inGolden)
                rows.Add(new ComparisonRow(name, Missing, a.ToString(), "", "", "", false));
            else
                rows.Add(CompareMetric(name, g, a, rules));
        }
        return rows;
    }

    private const string Missing = "(missing)";

    private static ComparisonRow CompareMetric(string name, MetricValue golden, MetricValue actual, IReadOnlyList<ToleranceRule> rules)
    {
        if (golden.Kind != actual.Kind)
            return new ComparisonRow(name, $"{golden} ({golden.Kind})", $"{actual} ({actual.Kind})", "type changed", "", "exact", false);
        if (golden.Kind != MetricKind.Real)
        {
            bool same = golden.Equals(actual);
            bool counted = golden.Kind == MetricKind.Integer && !same;
            return new ComparisonRow(name, golden.ToString(), actual.ToString(),
                counted ? Signed(actual.Integer - golden.Integer) : "",
                counted ? Percent(actual.Integer - golden.Integer, golden.Integer) : "",
                "exact", same);
        }

        var (change, relative) = Changes(golden.Real, actual.Real);
        var tolerance = ToleranceRule.Find(rules, name);
        if (tolerance is null)
            return new ComparisonRow(name, golden.ToString(), actual.ToString(), change, relative, "none declared: add a tolerance rule to the claim", false);
        return new ComparisonRow(name, golden.ToString(), actual.ToString(), change, relative, tolerance.ToString(), tolerance.Accepts(golden.Real, actual.Real));
    }

    private static ComparisonRow Exact(string name, string golden, string actual) =>
        new(name, golden, actual, "", "", "exact", string.Equals(golden, actual, StringComparison.Ordinal));

    private static (string Change, string Relative) Changes(double golden, double actual)
    {
        if (!double.IsFinite(golden) || !double.IsFinite(actual)) return ("", "");
        double diff = actual - golden;
        return diff == 0 ? ("0", "") : (Signed(diff), Percent(diff, golden));
    }

    /// <summary>"+1.002E-4": scientific, so tiny losses and large values fit one column.</summary>
    private static string Signed(double value) =>
        value.ToString("+0.####E+0;-0.####E+0", CultureInfo.InvariantCulture);

    private static string Signed(long value) => value.ToString("+0;-0", CultureInfo.InvariantCulture);

    /// <summary>"+10.02%": the change relative to the golden value; empty when that is zero.</summary>
    private static string Percent(double diff, double golden) =>
        golden == 0 ? "" : (diff / Math.Abs(golden) * 100).ToString("+0.###;-0.###", CultureInfo.InvariantCulture) + "%";
}
