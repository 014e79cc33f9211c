using Homework.Experiments.Claims;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>Comparing a run with its golden record: tolerances for reals, exact for everything else.</summary>
public sealed class GoldenComparerTests
{
    [Fact]
    public void Identical_records_match()
    {
        GoldenComparer.Compare(Records.Sample(), Records.Sample(), Records.Rules).Ok.Should().BeTrue();
    }

    [Fact]
    public void A_real_just_inside_its_tolerance_matches()
    {
        var actual = Records.Sample(m => m["seed-0/final-loss"] = 0.001 * 1.0999);
        GoldenComparer.Compare(Records.Sample(), actual, Records.Rules).Ok.Should().BeTrue();
    }

    [Fact]
    public void A_real_just_outside_its_tolerance_fails_with_a_table_row()
    {
        var actual = Records.Sample(m => m["seed-0/final-loss"] = 0.0011002);
        var comparison = GoldenComparer.Compare(Records.Sample(), actual, Records.Rules);

        comparison.Ok.Should().BeFalse();
        comparison.Failures.Should().ContainSingle().Which.Name.Should().Be("seed-0/final-loss");
        comparison.FormatFailures().Should().Contain("| metric | golden | actual | difference | tolerance |")
            .And.Contain("| seed-0/final-loss | 0.001 | 0.0011002 | +1.002E-4 (+10.02%) | ±10% |");
    }

    [Fact]
    public void Absolute_and_relative_tolerances_add_up_like_numpy_isclose()
    {
        var tolerance = new Tolerance(0.01, 0.10);
        tolerance.Accepts(1.0, 1.1099).Should().BeTrue();
        tolerance.Accepts(1.0, 1.1101).Should().BeFalse();
        tolerance.Accepts(0.0, 0.01).Should().BeTrue();
        tolerance.ToString().Should().Be("±(0.01 + 10%)");
    }

    [Fact]
    public void Integers_booleans_and_text_compare_exactly()
    {
        GoldenComparer.Compare(Records.Sample(), Records.Sample(m => m["seed-0/converged-at"] = 1201), Records.Rules).Ok.Should().BeFalse();
        GoldenComparer.Compare(Records.Sample(), Records.Sample(m => m["seed-0/holds"] = false), Records.Rules).Ok.Should().BeFalse();
        GoldenComparer.Compare(Records.Sample(), Records.Sample(m => m["note"] = "other"), Records.Rules).Ok.Should().BeFalse();
    }

    [Fact]
    public void A_changed_verdict_or_count_fails()
    {
        var flipped = Records.Sample(verdict: Verdict.NotReproduced, holds: 1);
        var failures = GoldenComparer.Compare(Records.Sample(), flipped, Records.Rules).Failures.Select(f => f.Name);
        failures.Should().BeEquivalentTo("verdict", "holds");
    }

    [Fact]
    public void Missing_and_new_metrics_fail()
    {
        var actual = Records.Sample(m => { m.Remove("deep/parameters"); m["middle/parameters"] = 572; });
        var failures = GoldenComparer.Compare(Records.Sample(), actual, Records.Rules).Failures;
        failures.Should().Contain(r => r.Name == "deep/parameters" && r.Actual == "(missing)");
        failures.Should().Contain(r => r.Name == "middle/parameters" && r.Golden == "(missing)");
    }

    [Fact]
    public void A_real_without_a_declared_tolerance_fails_even_when_equal()
    {
        var record = Records.Sample(m => m["seed-0/other-loss"] = 0.5);
        var row = GoldenComparer.Compare(record, record, Records.Rules).Failures.Should().ContainSingle().Subject;
        row.Name.Should().Be("seed-0/other-loss");
        row.Tolerance.Should().Contain("none declared");
    }

    [Fact]
    public void An_integer_that_became_a_real_is_a_type_change()
    {
        var actual = Records.Sample(m => m["deep/parameters"] = 571.0);
        GoldenComparer.Compare(Records.Sample(), actual, [new("*", Tolerance.Rel(1))]).Failures
            .Should().ContainSingle().Which.Difference.Should().Be("type changed");
    }
}
