using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>
/// A verdict that another floating-point path reaches with the same seeds, recorded in the golden
/// file by review (`accept --other-path`), is accepted there in the portable regime and nowhere else;
/// recording takes nothing but a lone verdict at the threshold's edge.
/// </summary>
[Collection(EnvironmentCollection.Name)] // reads CI and HOMEWORK_GOLDEN_REGIME
public sealed class OtherPathVerdictTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly GoldenStore store;
    private readonly string? ci = Environment.GetEnvironmentVariable("CI");
    private readonly string? regime = Environment.GetEnvironmentVariable(ComparisonRegime.Variable);

    public OtherPathVerdictTests()
    {
        Environment.SetEnvironmentVariable("CI", null);
        Environment.SetEnvironmentVariable(ComparisonRegime.Variable, null);
        store = new GoldenStore(dir.File("full"));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("CI", ci);
        Environment.SetEnvironmentVariable(ComparisonRegime.Variable, regime);
        dir.Dispose();
    }

    private static GoldenRecord Golden(Verdict verdict = Verdict.Inconclusive) => Records.Sample(verdict: verdict);

    /// <summary>The same seeds' run on another CPU: the per-seed values moved a little, the verdict as given.</summary>
    private static GoldenRecord Elsewhere(Verdict verdict) =>
        Records.Sample(Records.Scale("final-loss", 1.01), verdict, numerics: Records.Elsewhere);

    private static GoldenRecord WithOtherPath(GoldenRecord golden, Verdict verdict) =>
        golden with { OtherPaths = [new PathVerdict(verdict, Records.Elsewhere)] };

    [Fact]
    public void Without_a_record_another_verdict_on_another_path_fails()
    {
        var comparison = GoldenComparer.Compare(Golden(), Elsewhere(Verdict.Reproduced));

        comparison.Regime.Regime.Should().Be(Regime.Portable);
        comparison.Failures.Select(r => r.Name).Should().Equal(GoldenComparer.VerdictField);
    }

    [Fact]
    public void A_recorded_verdict_passes_in_the_portable_regime_and_says_so()
    {
        var comparison = GoldenComparer.Compare(WithOtherPath(Golden(), Verdict.Reproduced), Elsewhere(Verdict.Reproduced));

        comparison.Ok.Should().BeTrue();
        comparison.Rows.Single(r => r.Name == GoldenComparer.VerdictField).Rule.Should().Be(GoldenComparer.OtherPathVerdict);
    }

    [Fact]
    public void A_recorded_verdict_does_not_admit_a_third_one_nor_anything_in_the_strict_regime()
    {
        var golden = WithOtherPath(Golden(), Verdict.Reproduced);

        GoldenComparer.Compare(golden, Elsewhere(Verdict.Contradicted)).Failures.Select(r => r.Name).Should().Equal(GoldenComparer.VerdictField);
        GoldenComparer.Compare(golden, Records.Sample(verdict: Verdict.Reproduced), new ComparisonRegime(Regime.Strict, "strict"))
            .Failures.Select(r => r.Name).Should().Contain(GoldenComparer.VerdictField);
    }

    [Fact]
    public void A_recorded_verdict_does_not_excuse_a_seed_band_that_moved()
    {
        var far = Records.Sample(Records.Scale("final-loss", 10), Verdict.Reproduced, numerics: Records.Elsewhere);

        GoldenComparer.Compare(WithOtherPath(Golden(), Verdict.Reproduced), far).Failures
            .Should().ContainSingle().Which.Name.Should().StartWith("final-loss (median");
    }

    [Fact]
    public void Recording_keeps_the_golden_values_adds_the_verdict_and_removes_the_received_file()
    {
        Json.Write(store.VerifiedPath("1-1/test/claim"), Golden());
        Json.Write(store.ReceivedPath("1-1/test/claim"), Elsewhere(Verdict.Reproduced));

        GoldenStore.RecordOtherPathVerdicts(dir.Path).Should().ContainSingle();

        var recorded = GoldenStore.Read(store.VerifiedPath("1-1/test/claim"));
        recorded.Should().BeEquivalentTo(Golden(), o => o.Excluding(r => r.OtherPaths));
        recorded.OtherPaths.Should().BeEquivalentTo([new PathVerdict(Verdict.Reproduced, Records.Elsewhere)]);
        File.Exists(store.ReceivedPath("1-1/test/claim")).Should().BeFalse();
        GoldenComparer.Compare(recorded, Elsewhere(Verdict.Reproduced)).Ok.Should().BeTrue();
    }

    [Fact]
    public void Recording_refuses_all_unless_every_received_file_is_a_lone_verdict_at_the_edge_of_another_path()
    {
        Json.Write(store.VerifiedPath("1-1/test/edge"), Golden() with { Claim = "1-1/test/edge" });
        Json.Write(store.ReceivedPath("1-1/test/edge"), Elsewhere(Verdict.Reproduced) with { Claim = "1-1/test/edge" });
        var cases = new (string Name, GoldenRecord Golden, GoldenRecord Received, string Why)[]
        {
            ("same-path", Golden(), Records.Sample(verdict: Verdict.Reproduced), "*different ones*"),
            ("turned-round", Golden(Verdict.Contradicted), Elsewhere(Verdict.Reproduced), "*claim turned round*"),
            ("same-verdict", Golden(), Elsewhere(Verdict.Inconclusive), "*is the golden one*"),
            ("premise", Golden(), Elsewhere(Verdict.PremiseAbsent), "*whether the premise occurs*"),
            ("band", Golden(), Records.Sample(Records.Scale("final-loss", 10), Verdict.Reproduced, numerics: Records.Elsewhere), "*more than its verdict differs (final-loss (median*"),
            ("twice", WithOtherPath(Golden(), Verdict.Reproduced), Elsewhere(Verdict.Contradicted), "*recorded already*"),
        };
        foreach (var (name, golden, received, why) in cases)
        {
            string id = $"1-1/test/{name}";
            Json.Write(store.VerifiedPath(id), golden with { Claim = id });
            Json.Write(store.ReceivedPath(id), received with { Claim = id });
        }
        var before = Faults.CliSandbox.Snapshot(dir.Path);

        var refusal = FluentActions.Invoking(() => GoldenStore.RecordOtherPathVerdicts(dir.Path)).Should().Throw<HomeworkException>().Which.Message;

        refusal.Should().StartWith("Recorded nothing: 6 of 7");
        foreach (var (_, _, _, why) in cases) refusal.Should().Match(why);
        Faults.CliSandbox.Snapshot(dir.Path).Should().BeEquivalentTo(before, "nothing is recorded unless everything can be");
    }

    [Fact]
    public void A_write_that_fails_midway_is_undone()
    {
        foreach (string name in new[] { "a", "b" })
        {
            Json.Write(store.VerifiedPath($"1-1/test/{name}"), Golden() with { Claim = $"1-1/test/{name}" });
            Json.Write(store.ReceivedPath($"1-1/test/{name}"), Elsewhere(Verdict.Reproduced) with { Claim = $"1-1/test/{name}" });
        }
        var before = Faults.CliSandbox.Snapshot(dir.Path);
        GoldenStore.BeforeAccepting = file => { if (file.EndsWith("b.verified.json", StringComparison.Ordinal)) throw new IOException("disk full"); };
        try
        {
            FluentActions.Invoking(() => GoldenStore.RecordOtherPathVerdicts(dir.Path)).Should().Throw<IOException>();
        }
        finally
        {
            GoldenStore.BeforeAccepting = null;
        }

        Faults.CliSandbox.Snapshot(dir.Path).Should().BeEquivalentTo(before, "a was recorded, then put back");
    }

    [Fact]
    public void Recording_is_refused_under_CI()
    {
        Environment.SetEnvironmentVariable("CI", "true");

        FluentActions.Invoking(() => GoldenStore.RecordOtherPathVerdicts(dir.Path)).Should().Throw<HomeworkException>().WithMessage("Refusing*CI=true*");
    }

    [Fact]
    public void Every_recorded_verdict_in_the_repository_is_a_neighbour_on_another_fingerprint()
    {
        foreach (string file in Directory.EnumerateFiles(ProjectPaths.Discover().GoldenRoot, "*" + GoldenStore.VerifiedSuffix, SearchOption.AllDirectories))
        {
            var record = GoldenStore.Read(file);
            foreach (var other in record.OtherPaths ?? [])
            {
                other.Numerics.Id.Should().NotBe(record.Numerics!.Id, file);
                other.Verdict.Should().NotBe(record.Verdict, file);
                (other.Verdict == Verdict.Inconclusive || record.Verdict == Verdict.Inconclusive).Should().BeTrue(file);
                new[] { other.Verdict, record.Verdict }.Should().NotContain(Verdict.PremiseAbsent, file);
            }
        }
    }
}
