using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>The Verify-style snapshot workflow: verified files, received files on mismatch, accept, CI.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class GoldenStoreTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly GoldenStore store;
    private readonly string? ci = Environment.GetEnvironmentVariable("CI");

    public GoldenStoreTests() => store = new GoldenStore(dir.Path);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("CI", ci);
        dir.Dispose();
    }

    private string Verified => store.VerifiedPath("1-1/test/claim");
    private string Received => store.ReceivedPath("1-1/test/claim");

    [Fact]
    public void Claim_ids_map_to_nested_verified_and_received_paths()
    {
        Verified.Should().Be(Path.Combine(dir.Path, "1-1", "test", "claim.verified.json"));
        Received.Should().Be(Path.Combine(dir.Path, "1-1", "test", "claim.received.json"));
    }

    [Fact]
    public void A_missing_golden_fails_and_writes_only_a_received_file()
    {
        var check = store.Check(Records.Sample());

        check.Status.Should().Be(GoldenStatus.Missing);
        check.Message.Should().Contain(Verified).And.Contain(Received).And.Contain("AcceptSnapshots");
        File.Exists(Received).Should().BeTrue();
        File.Exists(Verified).Should().BeFalse();
    }

    [Fact]
    public void Under_CI_a_missing_golden_fails_writes_no_verified_file_and_cannot_be_accepted()
    {
        Environment.SetEnvironmentVariable("CI", "true");

        store.Check(Records.Sample()).Message.Should().Contain("CI never writes verified files");
        FluentActions.Invoking(() => GoldenStore.AcceptAll(dir.Path)).Should().Throw<HomeworkException>().WithMessage("*CI=true*");
        File.Exists(Verified).Should().BeFalse();
    }

    [Fact]
    public void Accepting_turns_received_into_verified_and_then_the_check_passes()
    {
        Environment.SetEnvironmentVariable("CI", null);
        store.Check(Records.Sample());

        GoldenStore.AcceptAll(dir.Path).Should().Equal(Verified);

        File.Exists(Received).Should().BeFalse();
        store.Check(Records.Sample()).Ok.Should().BeTrue();
    }

    [Fact]
    public void A_mismatch_fails_with_the_table_and_leaves_the_verified_file_untouched()
    {
        Json.Write(Verified, Records.Sample());
        string before = File.ReadAllText(Verified);

        var check = store.Check(Records.Sample(m => m["seed-0/final-loss"] = 0.002));

        check.Status.Should().Be(GoldenStatus.Mismatch);
        check.Message.Should().Contain("Compared strict: same numerics fingerprint").And.Contain("| seed-0/final-loss | 0.001 | 0.002 |");
        File.ReadAllText(Verified).Should().Be(before);
        GoldenStore.Read(Received).Metrics["seed-0/final-loss"].Real.Should().Be(0.002);
    }

    [Fact]
    public void A_portable_match_removes_a_stale_received_file_and_keeps_the_golden_numbers()
    {
        Json.Write(Verified, Records.Sample());
        File.WriteAllText(Received, "stale");
        string before = File.ReadAllText(Verified);

        store.Check(Records.Sample(m => m["seed-0/final-loss"] = 0.00101, numerics: Records.Elsewhere)).Ok.Should().BeTrue();

        File.Exists(Received).Should().BeFalse();
        File.ReadAllText(Verified).Should().Be(before);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"claim\": \"1-1/test/claim\"}")]
    [InlineData("[]")]
    public void A_malformed_golden_file_fails_with_its_path(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Verified)!);
        File.WriteAllText(Verified, content);

        var check = store.Check(Records.Sample());

        check.Status.Should().Be(GoldenStatus.Malformed);
        check.Message.Should().StartWith(Verified);
    }

    [Fact]
    public void Verified_files_of_unknown_claims_are_reported_as_orphans()
    {
        Json.Write(Verified, Records.Sample());
        Json.Write(store.VerifiedPath("1-9/gone/claim"), Records.Sample());

        store.Orphans(["1-1/test/claim"]).Should().Equal(store.VerifiedPath("1-9/gone/claim"));
    }
}
