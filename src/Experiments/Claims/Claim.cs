using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Experiments.Claims;

public enum Verdict
{
    /// <summary>The claim holds in a majority of the profile's seeds.</summary>
    Reproduced,

    /// <summary>The claim holds in half of the seeds or fewer.</summary>
    NotReproduced,
}

public static class Verdicts
{
    /// <summary>"reproduced" or "not reproduced".</summary>
    public static string Words(this Verdict verdict) => verdict == Verdict.Reproduced ? "reproduced" : "not reproduced";
}

/// <summary>Whether a claim holds for one seed, and the numbers that decided it.</summary>
public sealed record SeedEvidence(int Seed, bool Holds, IReadOnlyDictionary<string, MetricValue> Metrics);

/// <summary>
/// What a claim's check found in a result: one <see cref="SeedEvidence"/> per seed, metrics
/// common to all seeds (such as parameter counts), and one line of key numbers.
/// </summary>
public sealed record ClaimEvidence(
    IReadOnlyList<SeedEvidence> Seeds,
    IReadOnlyDictionary<string, MetricValue> Common,
    string Summary);

/// <summary>
/// A claim of the report, made executable: the sentence it quotes, how it is measured,
/// the experiment and figures it rests on, and a check
/// that turns an experiment's result into per-seed evidence. Its verdict is
/// <see cref="Verdict.Reproduced"/> when it holds in a strict majority of the seeds.
/// </summary>
public abstract class Claim
{
    /// <summary>Stable id, part/topic/claim, e.g. <c>1-1/sign/deeper-fits-edges-better</c>; also the golden file's path.</summary>
    public required string Id { get; init; }

    /// <summary>The report's own words (or, where the report states none, the source it is taken from).</summary>
    public required string Statement { get; init; }

    /// <summary>How the claim is measured and when it counts as holding for one seed.</summary>
    public required string Criterion { get; init; }

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
        var verdict = 2 * holds > evidence.Seeds.Count ? Verdict.Reproduced : Verdict.NotReproduced;
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

/// <summary>A claim's verdict at one profile, with its evidence.</summary>
public sealed record ClaimOutcome(Claim Claim, Profile Profile, ClaimEvidence Evidence, Verdict Verdict, int Holds, int Seeds)
{
    public string HoldsText => $"holds in {Holds} of {Seeds} seeds";

    /// <summary>
    /// The golden record of this outcome, produced on the floating-point path <paramref name="numerics"/>:
    /// common metrics as they are, per-seed ones under <c>seed-N/</c>.
    /// </summary>
    public GoldenRecord ToGolden(Numerics? numerics, string? variant = null)
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
        return new GoldenRecord(Claim.Id, Claim.Statement, Claim.Criterion, Profile.Slug(), Claim.Figures,
            Verdict, Holds, Seeds, Evidence.Summary, metrics) { Numerics = numerics, Variant = variant };
    }
}
