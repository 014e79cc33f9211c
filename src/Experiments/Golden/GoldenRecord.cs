using System.Text.Json.Serialization;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

/// <summary>
/// The golden file of one claim at one profile (<c>&lt;claim&gt;.verified.json</c>): the claim's
/// words and kind, its verdict and the effect with its interval that decided it, how many
/// seeds alone are on the claimed side, the metrics the effect rests on, the numerics
/// fingerprint of the machine that produced them, and the digest of the batch order its nets saw. Everything is compared when a test
/// runs except <see cref="Summary"/>, a human-readable line of key numbers that is rewritten
/// with the file; how depends on the fingerprints (see <see cref="Regime"/>).
/// </summary>
public sealed record GoldenRecord(
    [property: JsonPropertyOrder(0)] string Claim,
    [property: JsonPropertyOrder(1)] string Statement,
    [property: JsonPropertyOrder(2)] string Criterion,
    [property: JsonPropertyOrder(3)] ClaimKind Kind,
    [property: JsonPropertyOrder(4)] string Profile,
    [property: JsonPropertyOrder(6)] int[] Figures,
    [property: JsonPropertyOrder(7)] Verdict Verdict,
    [property: JsonPropertyOrder(8)] Effect Effect,
    [property: JsonPropertyOrder(9)] int Holds,
    [property: JsonPropertyOrder(10)] int Seeds,
    [property: JsonPropertyOrder(11)] string Summary,
    [property: JsonPropertyOrder(14)] SortedDictionary<string, MetricValue> Metrics)
{
    /// <summary>The named variant of the experiment the values come from (<see cref="Core.Variant{TConfig}"/>); null (not written) for the preset.</summary>
    [JsonPropertyOrder(5)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    /// <summary>The floating-point path the values came from; null in files accepted before fingerprints were recorded.</summary>
    [JsonPropertyOrder(12)]
    public Numerics? Numerics { get; init; }

    /// <summary>
    /// The digest of the order in which the run's nets saw their training batches
    /// (<see cref="Training.BatchOrder"/>): integer, the same on every floating-point path, so
    /// compared exactly in both regimes. Null (not written) in files whose run recorded none.
    /// </summary>
    [JsonPropertyOrder(13)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BatchOrder { get; init; }

    /// <summary>
    /// Verdicts that runs of these very seeds reached on other floating-point paths, where the
    /// effect's interval ends near the claim's threshold and the path decides which side of it
    /// the interval lands on; each with the fingerprint of the run that reached it. Recorded only
    /// by <see cref="GoldenStore.RecordOtherPathVerdicts"/>, from a received file whose verdict
    /// is all that differs; an accepted run of new numbers drops them, since they were verdicts
    /// of the old ones. Null (not written) where no other path disagreed.
    /// </summary>
    [JsonPropertyOrder(15)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PathVerdict[]? OtherPaths { get; init; }

    /// <summary>"k of n seeds alone on the claimed side" (secondary to the effect).</summary>
    [JsonIgnore]
    public string HoldsText => $"{Holds} of {Seeds} seeds alone on the claimed side";

    /// <summary>The verdict in words, "passes" and "fails" for checks.</summary>
    [JsonIgnore]
    public string VerdictWords => Verdict.Words(Kind);
}

/// <summary>A verdict a claim's seeds reached on another floating-point path, and that path's fingerprint.</summary>
public sealed record PathVerdict(
    [property: JsonPropertyOrder(0)] Verdict Verdict,
    [property: JsonPropertyOrder(1)] Numerics Numerics);
