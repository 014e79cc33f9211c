using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Experiments.Claims;

/// <summary>What a claim's effect says, decided by its interval (see <see cref="Effect.Decide"/>).</summary>
public enum Verdict
{
    /// <summary>The whole interval of the effect lies on the side of the threshold the claim asserts.</summary>
    Reproduced,

    /// <summary>The whole interval lies on the other side: the data say the opposite of the claim.</summary>
    Contradicted,

    /// <summary>The interval straddles the threshold: these seeds cannot tell.</summary>
    Inconclusive,

    /// <summary>What the claim says something about does not occur (no edge errors for depth to reduce, no spikes to relate).</summary>
    PremiseAbsent,
}

/// <summary>What a claim is, for counting: a finding of the report, a sanity check, or the report's own measure kept for comparison.</summary>
public enum ClaimKind
{
    /// <summary>Something the report found; "k of n findings reproduce" counts these.</summary>
    Finding,

    /// <summary>A sanity check of the setup (parameter counts, chance accuracy on random labels): it cannot be a finding, it can only catch a broken setup.</summary>
    Check,

    /// <summary>The report's own measure where it shows its effect by construction: shown beside the findings, never counted as evidence.</summary>
    Artifact,
}

public static class Verdicts
{
    /// <summary>"reproduced", "contradicted", "inconclusive", "premise absent"; for checks "passes" and "fails".</summary>
    public static string Words(this Verdict verdict, ClaimKind kind = ClaimKind.Finding) => (verdict, kind) switch
    {
        (Verdict.Reproduced, ClaimKind.Check) => "passes",
        (Verdict.Contradicted, ClaimKind.Check) => "fails",
        (Verdict.Reproduced, _) => "reproduced",
        (Verdict.Contradicted, _) => "contradicted",
        (Verdict.Inconclusive, _) => "inconclusive",
        _ => "premise absent",
    };
}

/// <summary>Whether a claim holds for one seed, and the numbers that decided it.</summary>
public sealed record SeedEvidence(int Seed, bool Holds, IReadOnlyDictionary<string, MetricValue> Metrics);

/// <summary>
/// What a claim's check found in a result: the <see cref="Effect"/> that decides it, one
/// <see cref="SeedEvidence"/> per seed (whether the seed alone is on the claimed side: the
/// secondary k/n), metrics common to all seeds (such as parameter counts), and one line of
/// key numbers. <see cref="PremiseAbsent"/> says, when set, why there is nothing to judge.
/// </summary>
public sealed record ClaimEvidence(
    IReadOnlyList<SeedEvidence> Seeds,
    IReadOnlyDictionary<string, MetricValue> Common,
    string Summary,
    Effect Effect)
{
    public string? PremiseAbsent { get; init; }
}

/// <summary>
/// A claim of the report, made executable: the sentence it quotes, how it is measured,
/// the experiment and figures it rests on, and a check that turns an experiment's result
/// into an effect with its interval across seeds, and per-seed evidence. Its verdict is the
/// effect's (<see cref="Effect.Decide"/>): never a vote of per-seed booleans.
/// </summary>
public abstract class Claim
{
    /// <summary>Stable id, part/topic/claim, e.g. <c>1-1/sign/deeper-fits-edges-better</c>; also the golden file's path.</summary>
    public required string Id { get; init; }

    /// <summary>The report's own words (or, where the report states none, the source it is taken from).</summary>
    public required string Statement { get; init; }

    /// <summary>How the claim is measured: the effect, its interval, the threshold, and why that tests the sentence.</summary>
    public required string Criterion { get; init; }

    /// <summary>Finding, sanity check or the report's artifact; only findings are counted as reproduced or not.</summary>
    public ClaimKind Kind { get; init; } = ClaimKind.Finding;

    /// <summary>The experiment whose result the claim reads.</summary>
    public Experiment Experiment => ExperimentRead;

    /// <summary>Figure numbers of the report the claim rests on.</summary>
    public required int[] Figures { get; init; }

    /// <summary>The experiment, for the untyped view above.</summary>
    protected abstract Experiment ExperimentRead { get; }

    /// <summary>Reads the evidence out of a result of <see cref="Experiment"/>.</summary>
    public abstract ClaimEvidence Collect(object result);

    public ClaimOutcome Evaluate(object result, Profile profile)
    {
        var evidence = Collect(result);
        int holds = evidence.Seeds.Count(s => s.Holds);
        var verdict = evidence.PremiseAbsent is not null ? Verdict.PremiseAbsent : evidence.Effect.Decide();
        return new ClaimOutcome(this, profile, evidence, verdict, holds, evidence.Seeds.Count);
    }
}

/// <summary>
/// A claim about the result of one experiment. <see cref="Experiment"/> is typed by the
/// result, so a claim whose check reads another result type than its experiment produces
/// does not compile.
/// </summary>
public sealed class Claim<TResult> : Claim
{
    /// <summary>The experiment whose result <see cref="Check"/> reads.</summary>
    public new required Experiment<TResult> Experiment { get; init; }

    public required Func<TResult, ClaimEvidence> Check { get; init; }

    protected override Experiment ExperimentRead => Experiment;

    public override ClaimEvidence Collect(object result) => result is TResult typed
        ? Check(typed)
        : throw new ArgumentException($"Claim {Id} reads a {typeof(TResult).Name}, not a {result.GetType().Name}.", nameof(result));
}

/// <summary>A claim's verdict at one profile, with its evidence; k of n seeds on the claimed side is secondary.</summary>
public sealed record ClaimOutcome(Claim Claim, Profile Profile, ClaimEvidence Evidence, Verdict Verdict, int Holds, int Seeds)
{
    public string HoldsText => $"{Holds} of {Seeds} seeds alone on the claimed side";

    /// <summary>"reproduced", "check passes", ... as tables show it.</summary>
    public string VerdictWords => Verdict.Words(Claim.Kind);

    /// <summary>
    /// The golden record of this outcome, produced on the floating-point path <paramref name="numerics"/>
    /// from nets that saw their batches in the order <paramref name="batchOrder"/> digests (<see cref="RunInfo.BatchOrder"/>):
    /// common metrics as they are, per-seed ones under <c>seed-N/</c>.
    /// </summary>
    public GoldenRecord ToGolden(Numerics? numerics, string? variant = null, string? batchOrder = null)
    {
        var metrics = new SortedDictionary<string, MetricValue>(StringComparer.Ordinal);
        foreach (var (name, value) in Evidence.Common)
            metrics.Add(name, value);
        foreach (var seed in Evidence.Seeds)
        {
            metrics.Add($"seed-{seed.Seed}/holds", seed.Holds);
            foreach (var (name, value) in seed.Metrics)
                metrics.Add($"seed-{seed.Seed}/{name}", value);
        }
        return new GoldenRecord(Claim.Id, Claim.Statement, Claim.Criterion, Claim.Kind, Profile.Slug(), Claim.Figures,
            Verdict, Evidence.Effect, Holds, Seeds, Evidence.Summary, metrics) { Numerics = numerics, Variant = variant, BatchOrder = batchOrder };
    }
}
