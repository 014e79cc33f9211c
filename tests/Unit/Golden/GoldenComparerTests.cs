using Homework.Experiments.Claims;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>
/// Comparing a run with its golden record: bit for bit on the fingerprint the golden file was
/// accepted on, through the seeds' own scatter on any other.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class GoldenComparerTests
{
    private static GoldenComparison Strict(GoldenRecord actual) => GoldenComparer.Compare(Records.Sample(), actual);

    private static GoldenComparison Portable(Action<SortedDictionary<string, MetricValue>>? edit = null, Verdict verdict = Verdict.Reproduced, int holds = 2) =>
        GoldenComparer.Compare(Records.Sample(), Records.Sample(edit, verdict, holds, Records.Elsewhere));

    [Fact]
    public void The_same_fingerprint_compares_strictly_and_identical_records_match()
    {
        var comparison = Strict(Records.Sample());
        comparison.Regime.Regime.Should().Be(Regime.Strict);
        comparison.Regime.Reason.Should().Contain(Records.Here.Id);
        comparison.Ok.Should().BeTrue();
    }

    [Fact]
    public void Strict_fails_on_a_real_that_moved_in_its_last_bit()
    {
        var actual = Records.Sample(m => m["seed-0/final-loss"] = Math.BitIncrement(0.001));
        var row = Strict(actual).Failures.Should().ContainSingle().Subject;
        row.Name.Should().Be("seed-0/final-loss");
        row.Rule.Should().Be(GoldenComparer.BitForBit);
    }

    [Fact]
    public void Strict_compares_integers_booleans_and_text_exactly()
    {
        Strict(Records.Sample(m => m["seed-0/converged-at"] = 1201)).Ok.Should().BeFalse();
        Strict(Records.Sample(m => m["seed-0/holds"] = false)).Ok.Should().BeFalse();
        Strict(Records.Sample(m => m["note"] = "other")).Ok.Should().BeFalse();
    }

    [Fact]
    public void Another_fingerprint_compares_portably_and_says_what_differs()
    {
        var comparison = Portable();
        comparison.Regime.Regime.Should().Be(Regime.Portable);
        comparison.Regime.Reason.Should().Contain("cpu: GenuineIntel").And.Contain("→ AuthenticAMD");
        comparison.Ok.Should().BeTrue();
    }

    [Fact]
    public void A_golden_file_without_a_fingerprint_compares_portably()
    {
        var golden = Records.Sample() with { Numerics = null };
        var comparison = GoldenComparer.Compare(golden, Records.Sample());
        comparison.Regime.Regime.Should().Be(Regime.Portable);
        comparison.Regime.Reason.Should().Contain("records no numerics fingerprint");
    }

    [Fact]
    public void The_regime_can_be_forced_and_a_bad_setting_is_refused()
    {
        try
        {
            Environment.SetEnvironmentVariable(ComparisonRegime.Variable, "portable");
            GoldenComparer.Compare(Records.Sample(), Records.Sample()).Regime.Regime.Should().Be(Regime.Portable);
            Environment.SetEnvironmentVariable(ComparisonRegime.Variable, "strict");
            GoldenComparer.Compare(Records.Sample(), Records.Sample(numerics: Records.Elsewhere)).Regime.Regime.Should().Be(Regime.Strict);
            Environment.SetEnvironmentVariable(ComparisonRegime.Variable, "lenient");
            FluentActions.Invoking(() => GoldenComparer.Compare(Records.Sample(), Records.Sample()))
                .Should().Throw<Homework.Experiments.Core.UsageException>().WithMessage("*lenient*auto*strict*portable*");
        }
        finally
        {
            Environment.SetEnvironmentVariable(ComparisonRegime.Variable, null);
        }
    }

    [Fact]
    public void Portable_lists_a_seed_that_moved_within_the_seeds_span_as_seed_noise()
    {
        var comparison = Portable(m => m["seed-0/final-loss"] = 0.003);
        comparison.Ok.Should().BeTrue();
        comparison.Rows.Should().ContainSingle(r => r.Kind == RowKind.Seed).Which.Rule.Should().Be(GoldenComparer.SeedNoise);
    }

    [Fact]
    public void Portable_lists_a_seed_beyond_the_span_but_judges_the_median()
    {
        // One seed ten times the largest golden value: the median (0.002 -> 0.004) stays in the band.
        var comparison = Portable(m => m["seed-0/final-loss"] = 0.04);
        comparison.Ok.Should().BeTrue();
        comparison.Rows.Should().ContainSingle(r => r.Kind == RowKind.Seed).Which.Rule.Should().Be(GoldenComparer.BeyondSeeds);
    }

    [Fact]
    public void Portable_fails_when_every_seed_moves_the_same_way_beyond_the_band()
    {
        // Golden seeds 0.001-0.004 (and so the run's): in log space the band is 0.001/4 to 0.004*4.
        Portable(Records.Scale("final-loss", 5)).Ok.Should().BeTrue();
        var comparison = Portable(Records.Scale("final-loss", 10));
        var row = comparison.Failures.Should().ContainSingle().Subject;
        row.Kind.Should().Be(RowKind.Median);
        row.Name.Should().Be("final-loss (median of 3 seeds)");
        row.Rule.Should().Be("median in 0.00025 to 0.016 (log scale)");
        comparison.FormatFailures().Should().Contain("Compared portable: numerics fingerprint")
            .And.Contain("| final-loss (median of 3 seeds) | 0.002 (seeds 0.001 to 0.004) | 0.02 (seeds 0.01 to 0.04) |")
            .And.Contain("3 single-seed values moved (0 within the golden seeds' span, 3 beyond it)");
    }

    [Fact]
    public void Portable_fails_when_the_seeds_no_longer_differ_in_any_metric()
    {
        var comparison = Portable(m =>
        {
            foreach (int seed in new[] { 1, 2 })
            {
                m[$"seed-{seed}/holds"] = true;
                m[$"seed-{seed}/final-loss"] = 0.001;
                m[$"seed-{seed}/converged-at"] = 1200;
            }
        }, holds: 3);
        comparison.Failures.Select(f => f.Name).Should().Contain("seeds (every per-seed metric)");
    }

    [Fact]
    public void Portable_accepts_one_metric_that_every_seed_reproduces()
    {
        // Accuracies that reach 1, a best batch size that every seed picks: no sign of lost seeds.
        var comparison = Portable(m =>
        {
            m["seed-0/converged-at"] = 1200;
            m["seed-1/converged-at"] = 1200;
            m["seed-2/converged-at"] = 1200;
        });
        comparison.Ok.Should().BeTrue();
    }

    [Fact]
    public void Portable_compares_the_verdict_exactly_and_shows_the_count_of_single_seeds()
    {
        Portable(verdict: Verdict.Contradicted, holds: 1).Failures.Select(f => f.Name).Should().BeEquivalentTo("verdict");
        var moved = Portable(holds: 1);
        moved.Ok.Should().BeTrue("k/n counts single seeds, which another floating-point path redraws; the effect decides the verdict");
        moved.Rows.Should().ContainSingle(r => r.Name == GoldenComparer.HoldsField).Which.Rule.Should().Be(GoldenComparer.SeedCount);
        GoldenComparer.Compare(Records.Sample(holds: 2), Records.Sample(holds: 1)).Failures.Select(f => f.Name)
            .Should().Contain(GoldenComparer.HoldsField, "on the golden file's own floating-point path k/n is exact");
    }

    [Fact]
    public void Portable_compares_values_shared_by_all_seeds_exactly_unless_they_are_reals()
    {
        Portable(m => m["deep/parameters"] = 572).Failures.Should().ContainSingle().Which.Name.Should().Be("deep/parameters");
        Portable(m => m["note"] = "other").Ok.Should().BeFalse();
        var shown = GoldenComparer.Compare(Records.Sample(m => m["pca/variance"] = 0.4), Records.Sample(m => m["pca/variance"] = 0.5, numerics: Records.Elsewhere));
        shown.Ok.Should().BeTrue();
        shown.Rows.Should().ContainSingle(r => r.Name == "pca/variance").Which.Rule.Should().Be(GoldenComparer.Shown);
    }

    [Fact]
    public void Portable_fails_when_a_metric_becomes_not_finite_in_every_seed()
    {
        var comparison = Portable(m =>
        {
            m["seed-0/final-loss"] = double.NaN;
            m["seed-1/final-loss"] = double.NaN;
            m["seed-2/final-loss"] = double.NaN;
        });
        comparison.Failures.Should().ContainSingle().Which.Actual.Should().Be("no finite value in 3 seeds");
    }

    [Fact]
    public void Both_regimes_fail_on_missing_new_and_retyped_metrics()
    {
        foreach (var numerics in new[] { Records.Here, Records.Elsewhere })
        {
            var actual = Records.Sample(m => { m.Remove("deep/parameters"); m["middle/parameters"] = 572; m["note"] = 1; }, numerics: numerics);
            var failures = GoldenComparer.Compare(Records.Sample(), actual).Failures;
            failures.Should().Contain(r => r.Name == "deep/parameters" && r.Actual == "(missing)");
            failures.Should().Contain(r => r.Name == "middle/parameters" && r.Golden == "(missing)");
            failures.Should().Contain(r => r.Name == "note" && r.Change == "type changed");
        }
    }

    [Fact]
    public void Both_regimes_compare_the_batch_order_exactly_where_the_golden_file_pins_one()
    {
        var pinned = Records.Sample() with { BatchOrder = "00000000000000a1" };
        foreach (var numerics in new[] { Records.Here, Records.Elsewhere })
        {
            var same = Records.Sample(numerics: numerics) with { BatchOrder = "00000000000000a1" };
            GoldenComparer.Compare(pinned, same).Ok.Should().BeTrue();
            var other = Records.Sample(numerics: numerics) with { BatchOrder = "00000000000000b2" };
            var row = GoldenComparer.Compare(pinned, other).Failures.Should().ContainSingle().Subject;
            row.Name.Should().Be(GoldenComparer.BatchOrderField);
            row.Rule.Should().Be(GoldenComparer.Exact, "batch orders come from integer generators, the same on every floating-point path");
            GoldenComparer.Compare(pinned, Records.Sample(numerics: numerics)).Failures.Should().ContainSingle()
                .Which.Actual.Should().Be("(not recorded)");
        }
        var unpinned = GoldenComparer.Compare(Records.Sample(), Records.Sample() with { BatchOrder = "00000000000000b2" });
        unpinned.Ok.Should().BeTrue("a golden file whose run recorded no batch order pins none");
        unpinned.Rows.Should().ContainSingle(r => r.Name == GoldenComparer.BatchOrderField).Which.Actual.Should().Be("00000000000000b2");
    }
}
