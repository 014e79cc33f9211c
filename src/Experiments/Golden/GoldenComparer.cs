using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Homework.Experiments.Analysis;
using Homework.Experiments.Claims;

namespace Homework.Experiments.Golden;

/// <summary>What a row of a comparison stands for.</summary>
public enum RowKind
{
    /// <summary>A field of the claim: its words, profile, figures, verdict or k/n.</summary>
    Field,

    /// <summary>One metric compared on its own: every metric in the strict regime, the values shared by all seeds in the portable one.</summary>
    Metric,

    /// <summary>Portable regime: a per-seed metric's median over seeds against its <see cref="SeedBand"/>.</summary>
    Median,

    /// <summary>Portable regime: one seed's value of a per-seed metric, shown but not judged on its own.</summary>
    Seed,
}

/// <summary>
/// One compared value: its name, both values as the golden file writes them, the signed
/// change and the change relative to the golden value (empty where they mean nothing),
/// the rule it was judged by and whether it passed.
/// </summary>
public sealed record ComparisonRow(string Name, string Golden, string Actual, string Change, string Relative, string Rule, bool Ok, RowKind Kind = RowKind.Metric)
{
    /// <summary>The change with its relative size in brackets, "+1.002E-4 (+10.02%)", as failure tables show it.</summary>
    public string Difference => Relative.Length == 0 ? Change : $"{Change} ({Relative})";

    /// <summary>A single seed's value that moved, in the portable regime: seed noise or beyond the golden seeds' span, never a failure by itself.</summary>
    public bool IsSeedValue => Kind == RowKind.Seed;
}

/// <summary>The outcome of comparing a run with its golden file, and the regime it was compared in.</summary>
public sealed record GoldenComparison(ComparisonRegime Regime, IReadOnlyList<ComparisonRow> Rows)
{
    public bool Ok => Rows.All(r => r.Ok);

    public IReadOnlyList<ComparisonRow> Failures => Rows.Where(r => !r.Ok).ToList();

    /// <summary>
    /// The regime and why, then a Markdown table of the values that do not match (metric |
    /// golden | actual | difference | rule), with a count of those that do and, in the
    /// portable regime, of the single seeds' values that moved.
    /// </summary>
    public string FormatFailures()
    {
        var text = new StringBuilder();
        text.AppendLine($"Compared {Regime.Reason}.");
        text.AppendLine($"{Failures.Count} of {Rows.Count(r => !r.IsSeedValue)} values differ from the golden file:");
        text.AppendLine();
        text.AppendLine("| metric | golden | actual | difference | rule |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var row in Failures)
            text.AppendLine($"| {row.Name} | {row.Golden} | {row.Actual} | {row.Difference} | {row.Rule} |");
        var seeds = Rows.Where(r => r.IsSeedValue).ToList();
        if (seeds.Count > 0)
            text.AppendLine().AppendLine(
                $"{seeds.Count} single-seed values moved ({seeds.Count(r => r.Rule == GoldenComparer.SeedNoise)} within the golden seeds' span, " +
                $"{seeds.Count(r => r.Rule == GoldenComparer.BeyondSeeds)} beyond it); single seeds are not judged on their own in the portable regime.");
        return text.ToString();
    }
}

/// <summary>
/// Compares a claim's fresh outcome with its golden record, in the regime the two numerics
/// fingerprints call for (<see cref="ComparisonRegime.Choose"/>):
/// <list type="bullet">
/// <item><b>Strict</b> (same fingerprint): the claim's fields, its effect and every metric exactly, reals bit for bit.</item>
/// <item><b>Both</b>: the digest of the batch order the nets saw (<see cref="GoldenRecord.BatchOrder"/>) exactly, where the golden file pins one.</item>
/// <item><b>Portable</b> (another fingerprint): the claim's fields (words, kind, figures, verdict, k/n)
/// and what its effect measures exactly, the effect's numbers shown; metrics shared by all seeds exactly when they are integers, booleans or text (they
/// do not depend on the trajectory: parameter counts, layer counts), shown when they are reals;
/// every per-seed metric (<c>seed-N/&lt;name&gt;</c>) through its median over seeds, which must fall
/// in the <see cref="SeedBand"/> of the golden seeds; the seeds must still differ in some metric
/// if the golden seeds did; single seeds' values are listed as seed noise (inside the golden
/// seeds' span) or beyond it, and do not fail on their own.</item>
/// </list>
/// A metric on one side only, or whose type changed, fails in both regimes.
/// </summary>
public static partial class GoldenComparer
{
    /// <summary>Names of the verdict and k/n rows, which a review diff reports together as a verdict flip.</summary>
    public const string VerdictField = "verdict", HoldsField = "holds", BatchOrderField = "batch order";

    /// <summary>Rules of the rows, as tables show them.</summary>
    public const string Exact = "exact", BitForBit = "bit for bit", Shown = "shown: one value for all seeds has no seed band",
        SeedNoise = "seed noise (inside the golden seeds' span)", BeyondSeeds = "beyond the golden seeds' span (not judged alone)",
        SeedsMustDiffer = "the golden seeds differ, so the run's seeds must too",
        SeedCount = "counts single seeds: shown, not judged, where the floating-point path differs";

    private const string Missing = "(missing)", NotRecorded = "(not recorded)", NotPinned = "not pinned: the golden file's run recorded none";

    /// <summary>Compares in the regime <see cref="ComparisonRegime.Choose"/> picks for the two records' fingerprints.</summary>
    public static GoldenComparison Compare(GoldenRecord golden, GoldenRecord actual) =>
        Compare(golden, actual, ComparisonRegime.Choose(golden.Numerics, actual.Numerics));

    public static GoldenComparison Compare(GoldenRecord golden, GoldenRecord actual, ComparisonRegime regime) =>
        new(regime, [.. CompareFields(golden, actual, regime.Regime), .. CompareEffect(golden.Effect, actual.Effect, regime.Regime), .. CompareMetrics(golden, actual, regime.Regime)]);

    /// <summary>
    /// The claim's words, kind, profile, figures and verdict, each exactly, in both regimes; k/n
    /// exactly in the strict regime. In the portable one k/n counts single seeds, which another
    /// floating-point path redraws (a seed near the line crosses it), and the verdict, decided by the
    /// effect's interval and not by k/n, is what must hold: k is shown, n must match.
    /// </summary>
    public static IReadOnlyList<ComparisonRow> CompareFields(GoldenRecord golden, GoldenRecord actual, Regime regime = Regime.Strict) =>
    [
        ExactRow("claim", golden.Claim, actual.Claim),
        ExactRow("statement", golden.Statement, actual.Statement),
        ExactRow("criterion", golden.Criterion, actual.Criterion),
        ExactRow("kind", golden.Kind.ToString(), actual.Kind.ToString()),
        ExactRow("profile", golden.Profile, actual.Profile),
        ExactRow("variant", golden.Variant ?? "none", actual.Variant ?? "none"),
        ExactRow("figures", string.Join(",", golden.Figures), string.Join(",", actual.Figures)),
        VerdictRow(golden, actual, regime),
        regime == Regime.Strict || golden.Seeds != actual.Seeds
            ? ExactRow(HoldsField, $"{golden.Holds} of {golden.Seeds}", $"{actual.Holds} of {actual.Seeds}")
            : new ComparisonRow(HoldsField, $"{golden.Holds} of {golden.Seeds}", $"{actual.Holds} of {actual.Seeds}", "", "", SeedCount, true, RowKind.Field),
        .. BatchOrderRows(golden, actual),
        .. OtherPathRows(golden, actual),
    ];

    /// <summary>Rule of a verdict that differs from the golden one but was recorded for these seeds on another path.</summary>
    public const string OtherPathVerdict = "a verdict these seeds reached on another floating-point path (recorded in the golden file): the claim is not settled across paths";

    /// <summary>
    /// The verdict exactly; in the portable regime also one that the golden file records as
    /// reached by the same seeds on another floating-point path (<see cref="GoldenRecord.OtherPaths"/>).
    /// </summary>
    private static ComparisonRow VerdictRow(GoldenRecord golden, GoldenRecord actual, Regime regime)
    {
        var row = ExactRow(VerdictField, golden.VerdictWords, actual.VerdictWords);
        bool elsewhere = regime == Regime.Portable && golden.Verdict != actual.Verdict
                         && (golden.OtherPaths ?? []).Any(p => p.Verdict == actual.Verdict);
        return elsewhere ? row with { Rule = OtherPathVerdict, Ok = true } : row;
    }

    /// <summary>Verdicts recorded on other paths, shown (so a review diff lists them) and never judged: a fresh run records none.</summary>
    private static ComparisonRow[] OtherPathRows(GoldenRecord golden, GoldenRecord actual)
    {
        static string Words(GoldenRecord r) =>
            r.OtherPaths is { Length: > 0 } paths ? string.Join("; ", paths.Select(p => $"{p.Verdict.Words(r.Kind)} on {p.Numerics.Id}")) : "none";
        return golden.OtherPaths is { Length: > 0 } || actual.OtherPaths is { Length: > 0 }
            ? [new ComparisonRow("verdicts on other paths", Words(golden), Words(actual), "", "", "recorded by review, shown", true, RowKind.Field)]
            : [];
    }

    /// <summary>
    /// The batch-order digest exactly, in both regimes (it is integer work, the same on every
    /// floating-point path), where the golden file pins one; where it pins none (a file whose run
    /// recorded none), the run's is shown and not judged.
    /// </summary>
    private static ComparisonRow[] BatchOrderRows(GoldenRecord golden, GoldenRecord actual) =>
        (golden.BatchOrder, actual.BatchOrder) switch
        {
            (null, null) => [],
            (null, string run) => [new ComparisonRow(BatchOrderField, NotRecorded, run, "", "", NotPinned, true, RowKind.Field)],
            (string pinned, var run) => [ExactRow(BatchOrderField, pinned, run ?? NotRecorded)],
        };

    /// <summary>
    /// The effect that decided the verdict: what it measures, its interval's method, the threshold
    /// and side exactly in both regimes; the estimate, interval and p-value bit for bit in the strict
    /// regime and shown in the portable one, where the verdict (compared above) is what must hold and
    /// the per-seed values the effect is computed from are judged by their seed bands.
    /// </summary>
    public static IReadOnlyList<ComparisonRow> CompareEffect(Effect golden, Effect actual, Regime regime)
    {
        ComparisonRow Number(string name, double? g, double? a)
        {
            var (gv, av) = (g is { } x ? MetricValue.Of(x) : MetricValue.Of("none"), a is { } y ? MetricValue.Of(y) : MetricValue.Of("none"));
            bool same = gv.Equals(av);
            return ValueRow($"effect/{name}", gv, av, regime == Regime.Strict ? BitForBit : same ? Exact : Shown, regime == Regime.Portable || same) with { Kind = RowKind.Field };
        }
        return
        [
            ExactRow("effect/measure", golden.Measure, actual.Measure),
            ExactRow("effect/interval", golden.Interval, actual.Interval),
            ExactRow("effect/claimed", $"{golden.Claimed} {golden.Threshold.ToString("R", CultureInfo.InvariantCulture)}", $"{actual.Claimed} {actual.Threshold.ToString("R", CultureInfo.InvariantCulture)}"),
            Number("estimate", golden.Estimate, actual.Estimate),
            Number("low", golden.Low, actual.Low),
            Number("high", golden.High, actual.High),
            Number("p", golden.P, actual.P),
            ExactRow("effect/null", golden.Null ?? "none", actual.Null ?? "none"),
        ];
    }

    /// <summary>The metrics of both records in ordinal order of their names, by the rules of <paramref name="regime"/>.</summary>
    public static IReadOnlyList<ComparisonRow> CompareMetrics(GoldenRecord golden, GoldenRecord actual, Regime regime)
    {
        var rows = new List<ComparisonRow>();
        var families = new SortedDictionary<string, List<(string Name, MetricValue Golden, MetricValue Actual)>>(StringComparer.Ordinal);
        foreach (string name in golden.Metrics.Keys.Union(actual.Metrics.Keys).Order(StringComparer.Ordinal))
        {
            bool inGolden = golden.Metrics.TryGetValue(name, out var g);
            bool inActual = actual.Metrics.TryGetValue(name, out var a);
            if (!inActual)
                rows.Add(new ComparisonRow(name, g.ToString(), Missing, "", "", Exact, false));
            else if (!inGolden)
                rows.Add(new ComparisonRow(name, Missing, a.ToString(), "", "", Exact, false));
            else if (g.Kind != a.Kind)
                rows.Add(new ComparisonRow(name, $"{g} ({g.Kind})", $"{a} ({a.Kind})", "type changed", "", Exact, false));
            else if (regime == Regime.Strict)
                rows.Add(ValueRow(name, g, a, BitForBit, g.Equals(a)));
            else if (SeedMetric().Match(name) is { Success: true } seed && g.Kind != MetricKind.Text)
            {
                string metric = seed.Groups["metric"].Value;
                if (!families.TryGetValue(metric, out var members))
                    families[metric] = members = [];
                members.Add((name, g, a));
            }
            else if (g.Kind == MetricKind.Real)
                rows.Add(ValueRow(name, g, a, g.Equals(a) ? Exact : Shown, true));
            else
                rows.Add(ValueRow(name, g, a, Exact, g.Equals(a)));
        }
        foreach (var (metric, members) in families)
            rows.AddRange(CompareAcrossSeeds(metric, members));
        if (SeedsCollapsed(families.Values) is { } collapsed)
            rows.Add(collapsed);
        return rows;
    }

    /// <summary>
    /// Portable regime, one per-seed metric: its median against the golden seeds' band (numbers)
    /// and every seed's value that moved, labelled. Booleans (a seed's "holds") are judged through
    /// k/n, which is a field, so only their seeds are listed.
    /// </summary>
    private static IEnumerable<ComparisonRow> CompareAcrossSeeds(string metric, IReadOnlyList<(string Name, MetricValue Golden, MetricValue Actual)> members)
    {
        var rows = new List<ComparisonRow>();
        bool numeric = members[0].Golden.AsNumber is not null;
        var golden = members.Select(m => m.Golden.AsNumber ?? double.NaN).ToList();
        var actual = members.Select(m => m.Actual.AsNumber ?? double.NaN).ToList();
        double low = golden.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min(), high = golden.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();

        if (numeric)
            rows.Add(MedianRow(metric, golden, actual));
        foreach (var (name, g, a) in members.Where(m => !m.Golden.Equals(m.Actual)))
        {
            bool inside = numeric && a.AsNumber is double v && v >= low && v <= high;
            rows.Add(ValueRow(name, g, a, numeric && !inside ? BeyondSeeds : SeedNoise, true) with { Kind = RowKind.Seed });
        }
        return rows;
    }

    /// <summary>
    /// A run whose seeds all give the same value of every per-seed metric, where the golden seeds
    /// differ, has lost its seeds (a generator seeded from a constant, say): one failing row. A
    /// single metric that every seed reproduces is no evidence of that (accuracies that reach 1,
    /// a best batch size that every seed picks), so it is judged by its band like any other.
    /// </summary>
    private static ComparisonRow? SeedsCollapsed(IEnumerable<List<(string Name, MetricValue Golden, MetricValue Actual)>> families)
    {
        var all = families.Where(f => f.Count > 1).ToList();
        bool goldenVaries = all.Any(f => f.Select(m => m.Golden).Distinct().Count() > 1);
        bool actualVaries = all.Any(f => f.Select(m => m.Actual).Distinct().Count() > 1);
        return goldenVaries && !actualVaries
            ? new ComparisonRow("seeds (every per-seed metric)", "differ", "identical in every seed", "", "", SeedsMustDiffer, false, RowKind.Median)
            : null;
    }

    private static ComparisonRow MedianRow(string metric, IReadOnlyList<double> golden, IReadOnlyList<double> actual)
    {
        string name = $"{metric} (median of {golden.Count} seeds)";
        var finiteGolden = golden.Where(double.IsFinite).ToList();
        var finiteActual = actual.Where(double.IsFinite).ToList();
        string Describe(List<double> finite, int all) =>
            finite.Count == 0 ? $"no finite value in {all} seeds"
            : $"{SeedBand.Format(Statistics.Median(finite))} (seeds {SeedBand.Format(finite.Min())} to {SeedBand.Format(finite.Max())}{(finite.Count < all ? $", {all - finite.Count} not finite" : "")})";
        string g = Describe(finiteGolden, golden.Count), a = Describe(finiteActual, actual.Count);

        if (finiteGolden.Count == 0 || finiteActual.Count == 0)
        {
            bool same = finiteGolden.Count == finiteActual.Count;
            return new ComparisonRow(name, g, a, "", "", "finite in some seeds on both sides, or in none", same, RowKind.Median);
        }

        double gm = Statistics.Median(finiteGolden), am = Statistics.Median(finiteActual);
        var (change, relative) = Changes(gm, am);
        var band = SeedBand.Of(finiteGolden, finiteActual)!;
        return new ComparisonRow(name, g, a, change, relative, $"median in {band}", band.Contains(am), RowKind.Median);
    }

    private static ComparisonRow ValueRow(string name, MetricValue golden, MetricValue actual, string rule, bool ok)
    {
        if (golden.AsNumber is not double g || actual.AsNumber is not double a || golden.Equals(actual))
            return new ComparisonRow(name, golden.ToString(), actual.ToString(), "", "", rule, ok);
        var (change, relative) = golden.Kind == MetricKind.Integer
            ? (Signed(actual.Integer - golden.Integer), Percent(actual.Integer - golden.Integer, golden.Integer))
            : Changes(g, a);
        return new ComparisonRow(name, golden.ToString(), actual.ToString(), change, relative, rule, ok);
    }

    private static ComparisonRow ExactRow(string name, string golden, string actual) =>
        new(name, golden, actual, "", "", Exact, string.Equals(golden, actual, StringComparison.Ordinal), RowKind.Field);

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

    /// <summary>A per-seed metric's name: <c>seed-&lt;n&gt;/&lt;metric&gt;</c>.</summary>
    [GeneratedRegex(@"^seed-(?<seed>\d+)/(?<metric>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SeedMetric();
}
