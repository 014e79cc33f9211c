using Homework.Experiments.Analysis;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Claims;

/// <summary>A claim is decided by where its effect's interval lies against the threshold, never by a vote of seeds.</summary>
public sealed class VerdictTests
{
    private static Effect Effect(double low, double high, Side claimed = Side.Above, double threshold = 0) =>
        new("a difference", (low + high) / 2, low, high, "95% t interval over 5 seeds", claimed, threshold);

    [Theory]
    [InlineData(0.1, 0.3, Side.Above, Verdict.Reproduced)]
    [InlineData(-0.3, -0.1, Side.Above, Verdict.Contradicted)]
    [InlineData(-0.1, 0.3, Side.Above, Verdict.Inconclusive)]
    [InlineData(-0.3, -0.1, Side.Below, Verdict.Reproduced)]
    [InlineData(0.1, 0.3, Side.Below, Verdict.Contradicted)]
    [InlineData(0.0, 0.3, Side.Above, Verdict.Inconclusive)]
    [InlineData(0.0, 0.0, Side.Above, Verdict.Inconclusive)]
    public void The_interval_decides(double low, double high, Side claimed, Verdict expected) =>
        Effect(low, high, claimed).Decide().Should().Be(expected);

    [Fact]
    public void A_missing_estimate_is_inconclusive() =>
        Effect(double.NaN, double.NaN).Decide().Should().Be(Verdict.Inconclusive);

    private static ClaimOutcome Outcome(double[] perSeed, string? premiseAbsent = null)
    {
        var claim = new Claim<double[]>
        {
            Id = "x/y/z",
            Statement = "s",
            Criterion = "c",
            Experiment = MadeUp.Instance,
            Figures = [1],
            Check = values => new ClaimEvidence(
                values.Select((v, i) => new SeedEvidence(i, v > 0, new Dictionary<string, MetricValue> { ["value"] = v })).ToList(),
                new Dictionary<string, MetricValue> { ["shared"] = "yes" }, "summary",
                Homework.Experiments.Claims.Effect.Of("value", Intervals.Mean(values.ToList()), Side.Above, 0)) { PremiseAbsent = premiseAbsent },
        };
        return claim.Evaluate(perSeed, Profile.Quick);
    }

    private sealed class MadeUp() : Experiment<double[]>("made-up", "1-1", "per-seed effects made up by the test")
    {
        public static MadeUp Instance { get; } = new();

        public override object Configure(Profile profile, IEnumerable<string>? overrides = null) => throw new NotSupportedException();

        public override object PresetOf(Profile profile) => throw new NotSupportedException();

        public override object Run(object config, RunContext context, Profile profile = Profile.Quick) => throw new NotSupportedException();

        public override object ReadResult(string path, string fix) => throw new NotSupportedException();
    }

    [Fact]
    public void Three_of_five_seeds_above_zero_do_not_make_a_reproduction_when_the_interval_straddles_it()
    {
        var outcome = Outcome([0.5, 0.4, 0.3, -0.6, -0.5]);
        outcome.Holds.Should().Be(3, "three seeds alone are on the claimed side");
        outcome.Verdict.Should().Be(Verdict.Inconclusive, "a majority vote would have said reproduced");
    }

    [Fact]
    public void Five_seeds_consistently_above_zero_reproduce()
    {
        var outcome = Outcome([0.5, 0.4, 0.3, 0.45, 0.35]);
        outcome.Verdict.Should().Be(Verdict.Reproduced);
        outcome.HoldsText.Should().Be("5 of 5 seeds alone on the claimed side");
    }

    [Fact]
    public void An_absent_premise_overrides_the_effect()
    {
        Outcome([0.5, 0.4, 0.3], premiseAbsent: "nothing to reduce").Verdict.Should().Be(Verdict.PremiseAbsent);
    }

    [Fact]
    public void The_golden_record_prefixes_seed_metrics_keeps_common_ones_and_carries_the_effect()
    {
        var golden = Outcome([0.5, -0.1]).ToGolden(null);
        golden.Metrics.Keys.Should().Equal("seed-0/holds", "seed-0/value", "seed-1/holds", "seed-1/value", "shared");
        golden.Profile.Should().Be("quick");
        golden.Holds.Should().Be(1);
        golden.Seeds.Should().Be(2);
        golden.Effect.Measure.Should().Be("value");
        golden.Effect.Interval.Should().Be("95% t interval over 2 seeds");
    }

    [Fact]
    public void Checks_pass_or_fail_and_findings_reproduce_or_not()
    {
        Verdict.Reproduced.Words(ClaimKind.Check).Should().Be("passes");
        Verdict.Contradicted.Words(ClaimKind.Check).Should().Be("fails");
        Verdict.Contradicted.Words().Should().Be("contradicted");
        Verdict.PremiseAbsent.Words().Should().Be("premise absent");
    }

    [Fact]
    public void A_claim_refuses_the_result_of_another_experiment()
    {
        FluentActions.Invoking(() => Homework.Experiments.Claims.FunctionFittingClaims.DepthAndSize.Collect("not a result"))
            .Should().Throw<ArgumentException>().WithMessage("*reads a FunctionFittingResult*");
    }
}
