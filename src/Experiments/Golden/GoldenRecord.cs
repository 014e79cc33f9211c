using System.Text.Json.Serialization;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

/// <summary>
/// The golden file of one claim at one profile (<c>&lt;claim&gt;.verified.json</c>): the claim's
/// words, its verdict over the profile's seeds, the metrics the verdict rests on, and the
/// numerics fingerprint of the machine that produced them. Everything is compared when a test
/// runs except <see cref="Summary"/>, a human-readable line of key numbers that is rewritten
/// with the file; how depends on the fingerprints (see <see cref="Regime"/>).
/// </summary>
public sealed record GoldenRecord(
    [property: JsonPropertyOrder(0)] string Claim,
    [property: JsonPropertyOrder(1)] string Statement,
    [property: JsonPropertyOrder(2)] string Criterion,
    [property: JsonPropertyOrder(3)] string Profile,
    [property: JsonPropertyOrder(4)] int[] Figures,
    [property: JsonPropertyOrder(5)] Verdict Verdict,
    [property: JsonPropertyOrder(6)] int Holds,
    [property: JsonPropertyOrder(7)] int Seeds,
    [property: JsonPropertyOrder(8)] string Summary,
    [property: JsonPropertyOrder(10)] SortedDictionary<string, MetricValue> Metrics)
{
    /// <summary>The named variant of the experiment the values come from (<see cref="Core.Variant{TConfig}"/>); null (not written) for the preset.</summary>
    [JsonPropertyOrder(3)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    /// <summary>The floating-point path the values came from; null in files accepted before fingerprints were recorded.</summary>
    [JsonPropertyOrder(9)]
    public Numerics? Numerics { get; init; }

    /// <summary>"holds in k of n seeds".</summary>
    [JsonIgnore]
    public string HoldsText => $"holds in {Holds} of {Seeds} seeds";
}
