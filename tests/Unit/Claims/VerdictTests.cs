using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Claims;

/// <summary>A claim is reproduced when it holds in a strict majority of seeds.</summary>
public sealed class VerdictTests
{
    private static ClaimOutcome Outcome(params bool[] holds)
    {
        var claim = new Claim<bool[]>
        {
            Id = "x/y/z",
            Statement = "s",
            Criterion = "c",
            Experiment = MadeUp.Instance,
            Figures = [1],
            Check = h => new ClaimEvidence(
                h.Select((v, i) => new SeedEvidence(i, v, new Dictionary<string, MetricValue> { ["value"] = i })).ToList(),
                new Dictionary<string, MetricValue> { ["shared"] = "yes" }, "summary"),
        };
        return claim.Evaluate(holds, Profile.Quick);
    }

    [Theory]
    [InlineData(new[] { true, true, false }, Verdict.Reproduced)]
    [InlineData(new[] { true, false, false }, Verdict.NotReproduced)]
    [InlineData(new[] { true, false }, Verdict.NotReproduced)]
    [InlineData(new[] { true }, Verdict.Reproduced)]
    [InlineData(new bool[0], Verdict.NotReproduced)]
    public void The_verdict_needs_a_strict_majority(bool[] holds, Verdict expected)
    {
        var outcome = Outcome(holds);
        outcome.Verdict.Should().Be(expected);
        outcome.HoldsText.Should().Be($"holds in {holds.Count(h => h)} of {holds.Length} seeds");
    }

    [Fact]
    public void The_golden_record_prefixes_seed_metrics_and_keeps_common_ones()
    {
        var golden = Outcome(true, false).ToGolden(null);
        golden.Metrics.Keys.Should().Equal("seed-0/holds", "seed-0/value", "seed-1/holds", "seed-1/value", "shared");
        golden.Profile.Should().Be("quick");
        golden.Holds.Should().Be(1);
        golden.Seeds.Should().Be(2);
    }

    [Fact]
    public void A_claim_refuses_the_result_of_another_experiment()
    {
        FluentActions.Invoking(() => Catalog_claim().Collect("not a result"))
            .Should().Throw<ArgumentException>().WithMessage("*reads a FunctionFittingResult*");
    }

    private static Claim Catalog_claim() => FunctionFittingClaims.DepthAndSize;

    /// <summary>An experiment whose result is a list of per-seed verdicts; it is never run.</summary>
    private sealed class MadeUp() : Experiment<bool[]>("made-up", "1-1", "per-seed verdicts made up by the test")
    {
        public static MadeUp Instance { get; } = new();

        public override object Configure(Profile profile, IEnumerable<string>? overrides = null) => throw new NotSupportedException();

        public override object PresetOf(Profile profile) => throw new NotSupportedException();

        public override object Run(object config, RunContext context, Profile profile = Profile.Quick) => throw new NotSupportedException();

        public override object ReadResult(string path, string fix) => throw new NotSupportedException();
    }
}
