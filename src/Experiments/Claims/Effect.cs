using System.Globalization;
using System.Text.Json.Serialization;
using Homework.Experiments.Analysis;

namespace Homework.Experiments.Claims;

/// <summary>The side of its threshold on which a claim puts its effect.</summary>
public enum Side
{
    Above,
    Below,
}

/// <summary>
/// The number a claim is decided by: an effect (a difference, ratio, correlation or share, as
/// fits the report's sentence) estimated over the profile's independent units (seeds, or
/// trainings), its 95% interval, the threshold the sentence implies and the side it claims.
/// <see cref="Decide"/> turns it into a verdict: reproduced when the whole interval lies on the
/// claimed side, contradicted when it lies on the other, inconclusive when it straddles the
/// threshold. Where the criterion could hold without the effect, <see cref="P"/> is the
/// p-value of the same statistic against a null baseline computed in the same run, and
/// <see cref="Null"/> says what that null is.
/// </summary>
/// <param name="Measure">What the effect is, in words: "mean over seeds of the train − test accuracy gap".</param>
/// <param name="Interval">How <see cref="Low"/> and <see cref="High"/> were computed: "95% t interval over 5 seeds".</param>
public sealed record Effect(
    [property: JsonPropertyOrder(0)] string Measure,
    [property: JsonPropertyOrder(1)] double Estimate,
    [property: JsonPropertyOrder(2)] double Low,
    [property: JsonPropertyOrder(3)] double High,
    [property: JsonPropertyOrder(4)] string Interval,
    [property: JsonPropertyOrder(5)] Side Claimed,
    [property: JsonPropertyOrder(6)] double Threshold)
{
    /// <summary>One-sided p-value of the claim's statistic against its null baseline; null where the claim needs none.</summary>
    [JsonPropertyOrder(7)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? P { get; init; }

    /// <summary>The null baseline behind <see cref="P"/>, in words.</summary>
    [JsonPropertyOrder(8)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Null { get; init; }

    /// <summary>An effect from an estimate with its interval.</summary>
    public static Effect Of(string measure, Interval interval, Side claimed, double threshold) =>
        new(measure, interval.Estimate, interval.Low, interval.High, interval.Method, claimed, threshold);

    /// <summary>Reproduced, contradicted or inconclusive by where the interval lies; a missing estimate is inconclusive.</summary>
    public Verdict Decide()
    {
        bool above = Low > Threshold, below = High < Threshold;
        return (Claimed, above, below) switch
        {
            (Side.Above, true, _) or (Side.Below, _, true) => Verdict.Reproduced,
            (Side.Above, _, true) or (Side.Below, true, _) => Verdict.Contradicted,
            _ => Verdict.Inconclusive,
        };
    }

    /// <summary>"0.012 [0.008, 0.016], claimed > 0", with three significant digits, for tables.</summary>
    public string Describe() =>
        $"{Number(Estimate)} [{Number(Low)}, {Number(High)}], claimed {(Claimed == Side.Above ? ">" : "<")} {Number(Threshold)}" +
        (P is { } p ? $", p = {Number(p)}" : "");

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        _ when double.IsNaN(value) => "n/a",
        _ => value.ToString("G3", CultureInfo.InvariantCulture),
    };
}
