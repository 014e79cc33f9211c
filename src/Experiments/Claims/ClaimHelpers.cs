using Homework.Experiments.Golden;

namespace Homework.Experiments.Claims;

/// <summary>Small helpers shared by the claim definitions.</summary>
internal static class Evidence
{
    public static Dictionary<string, MetricValue> Metrics() => new(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, MetricValue> None { get; } = new Dictionary<string, MetricValue>();

    /// <summary>"k of n" for a summary line.</summary>
    public static string Count(IEnumerable<bool> values)
    {
        var list = values.ToList();
        return $"{list.Count(v => v)} of {list.Count}";
    }

    /// <summary>0.123 as "12.3%" (or with other <paramref name="decimals"/>), whatever the culture.</summary>
    public static string Percent(double share, int decimals = 1) =>
        (share * 100).ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture) + "%";
}
