using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>Golden files are text that reads back to the same values, in a stable order, with LF endings.</summary>
public sealed class MetricValueTests
{
    [Fact]
    public void Reals_keep_a_decimal_point_so_they_read_back_as_reals()
    {
        string json = Json.Serialize(Records.Sample(m => m["seed-0/final-loss"] = 2.0));
        json.Should().Contain("\"seed-0/final-loss\": 2.0,");
        Json.Deserialize<GoldenRecord>(json, "test").Metrics["seed-0/final-loss"].Kind.Should().Be(MetricKind.Real);
    }

    [Fact]
    public void A_record_round_trips_exactly()
    {
        var record = Records.Sample(m => m["seed-0/final-loss"] = 1.0 / 3.0);
        var back = Json.Deserialize<GoldenRecord>(Json.Serialize(record), "test");
        back.Metrics.Should().Equal(record.Metrics);
        back.Verdict.Should().Be(record.Verdict);
        back.Effect.Should().Be(record.Effect);
    }

    [Fact]
    public void Files_use_LF_and_sorted_metric_names()
    {
        string json = Json.Serialize(Records.Sample());
        json.Should().NotContain("\r");
        json.Should().EndWith("}\n");
        var names = System.Text.RegularExpressions.Regex.Matches(json, "\"([a-z0-9/-]+)\": [^{\\[]").Select(m => m.Groups[1].Value)
            .SkipWhile(n => n != "deep/parameters").ToList();
        names.Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Fact]
    public void The_verdict_is_written_in_words()
    {
        Json.Serialize(Records.Sample()).Should().Contain("\"verdict\": \"reproduced\"");
        Json.Serialize(Records.Sample(verdict: Homework.Experiments.Claims.Verdict.PremiseAbsent)).Should().Contain("\"verdict\": \"premise-absent\"");
        Json.Serialize(Records.Sample()).Should().Contain("\"kind\": \"finding\"").And.Contain("\"claimed\": \"above\"").And.NotContain("\"p\":");
    }
}
