using System.Globalization;
using System.Text.RegularExpressions;

namespace Homework.Experiments.Golden;

/// <summary>
/// How far a real metric may move from its golden value and still match: the test
/// passes when |actual − golden| ≤ absolute + relative·|golden| (numpy's <c>isclose</c>,
/// pytest-regressions' <c>num_regression</c> atol/rtol).
/// </summary>
public sealed record Tolerance(double Absolute, double Relative)
{
    public static Tolerance Exact { get; } = new(0, 0);

    public static Tolerance Abs(double absolute) => new(absolute, 0);

    public static Tolerance Rel(double relative) => new(0, relative);

    public bool Accepts(double golden, double actual)
    {
        if (double.IsNaN(golden) || double.IsNaN(actual)) return double.IsNaN(golden) && double.IsNaN(actual);
        if (double.IsInfinity(golden) || double.IsInfinity(actual)) return golden.Equals(actual);
        return Math.Abs(actual - golden) <= Absolute + Relative * Math.Abs(golden);
    }

    public override string ToString()
    {
        string abs = Absolute.ToString("G3", CultureInfo.InvariantCulture);
        string rel = (Relative * 100).ToString("G3", CultureInfo.InvariantCulture) + "%";
        return (Absolute, Relative) switch
        {
            (0, 0) => "exact",
            (_, 0) => $"±{abs}",
            (0, _) => $"±{rel}",
            _ => $"±({abs} + {rel})",
        };
    }
}

/// <summary>A tolerance for the metrics whose names match <see cref="Pattern"/> (<c>*</c> matches anything).</summary>
public sealed record ToleranceRule(string Pattern, Tolerance Tolerance)
{
    private readonly Regex regex = new("^" + Regex.Escape(Pattern).Replace("\\*", ".*") + "$", RegexOptions.CultureInvariant);

    public bool Matches(string metric) => regex.IsMatch(metric);

    /// <summary>The first rule that matches, in declaration order; null when none does.</summary>
    public static Tolerance? Find(IEnumerable<ToleranceRule> rules, string metric) =>
        rules.FirstOrDefault(r => r.Matches(metric))?.Tolerance;
}
