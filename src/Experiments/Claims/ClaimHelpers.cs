using System.Globalization;
using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;

namespace Homework.Experiments.Claims;

/// <summary>Small helpers shared by the claim definitions.</summary>
internal static class Evidence
{
    public static Dictionary<string, MetricValue> Metrics() => new(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, MetricValue> None { get; } = new Dictionary<string, MetricValue>();

    /// <summary>The common metrics of a result whose nets all have one size: <c>parameters</c>.</summary>
    public static Dictionary<string, MetricValue> Parameters(long parameters)
    {
        var common = Metrics();
        common["parameters"] = parameters;
        return common;
    }

    /// <summary>
    /// The evidence of every seed, in the order given: <paramref name="judge"/> fills the seed's
    /// metrics and says whether the claim holds for it.
    /// </summary>
    public static List<SeedEvidence> PerSeed(IEnumerable<int> seeds, Func<int, Dictionary<string, MetricValue>, bool> judge) =>
        PerSeed(seeds, seed => seed, judge);

    /// <summary>
    /// The evidence of every item that stands for one seed (a run, a path), in the order given:
    /// <paramref name="judge"/> fills the item's metrics and says whether the claim holds for it.
    /// </summary>
    public static List<SeedEvidence> PerSeed<T>(IEnumerable<T> items, Func<T, int> seedOf, Func<T, Dictionary<string, MetricValue>, bool> judge)
    {
        var evidence = new List<SeedEvidence>();
        foreach (var item in items)
        {
            var metrics = Metrics();
            bool holds = judge(item, metrics);
            evidence.Add(new SeedEvidence(seedOf(item), holds, metrics));
        }
        return evidence;
    }

    /// <summary>The mean over seeds of one number per seed, with its t interval: the effect of most claims.</summary>
    public static Effect MeanOverSeeds(string measure, IEnumerable<double> perSeed, Side claimed, double threshold) =>
        Effect.Of(measure, Intervals.Mean(perSeed.ToList()), claimed, threshold);

    /// <summary>
    /// The effect of a claim about every one of several groups (nets, models): each group's share of
    /// trainings that succeeded, with its Wilson interval; the weakest group decides (the summary names
    /// the groups' counts: which group is weakest is a per-seed outcome, not part of the measure).
    /// </summary>
    public static Effect WeakestShare(string measure, IEnumerable<(string Group, int Successes, int Trials)> groups, Side claimed, double threshold)
    {
        var weakest = groups.MinBy(g => (double)g.Successes / Math.Max(1, g.Trials));
        return Effect.Of($"{measure}, of the model with the smallest share",
            Intervals.Share(weakest.Successes, weakest.Trials, "trainings"), claimed, threshold);
    }

    /// <summary>A number with two decimals and a sign, "+0.12", for summaries.</summary>
    /// <remarks>
    /// .NET formats a negative value that rounds to zero through the first section, behind a minus
    /// ("-+0.0" for -0.04 with "+0.0;-0.0"); it is written "-0.0", a value just below zero.
    /// </remarks>
    public static string Signed(double value, string format = "+0.00;-0.00")
    {
        string text = value.ToString(format, CultureInfo.InvariantCulture);
        return text.StartsWith("-+", StringComparison.Ordinal) ? "-" + text[2..] : text;
    }

    /// <summary>"k of n" for a summary line.</summary>
    public static string Count(IEnumerable<bool> values)
    {
        var list = values.ToList();
        return $"{list.Count(v => v)} of {list.Count}";
    }

    /// <summary>"k of n" seeds in which the claim holds, for a summary line.</summary>
    public static string Count(IEnumerable<SeedEvidence> seeds) => Count(seeds.Select(s => s.Holds));

    /// <summary>0.123 as "12.3%" (or with other <paramref name="decimals"/>), whatever the culture.</summary>
    public static string Percent(double share, int decimals = 1) =>
        (share * 100).ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture) + "%";
}
