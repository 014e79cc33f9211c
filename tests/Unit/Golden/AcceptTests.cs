using Homework.Experiments;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>"`accept` validates every received file first and changes nothing unless all are valid" (issue 14).</summary>
[Collection(EnvironmentCollection.Name)] // reads CI
public sealed class AcceptTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly GoldenStore store;
    private readonly string? ci = Environment.GetEnvironmentVariable("CI");

    public AcceptTests()
    {
        Environment.SetEnvironmentVariable("CI", null);
        store = new GoldenStore(dir.File("quick"));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("CI", ci);
        dir.Dispose();
    }

    [Fact]
    public void A_rename_that_fails_midway_is_undone()
    {
        foreach (string name in new[] { "a", "b", "c" })
        {
            Json.Write(store.VerifiedPath($"1-1/test/{name}"), GoldenSandbox.Claim(name));
            Json.Write(store.ReceivedPath($"1-1/test/{name}"), GoldenSandbox.Claim(name) with { Summary = "new numbers" });
        }
        var before = Faults.CliSandbox.Snapshot(dir.Path);
        GoldenStore.BeforeAccepting = file => { if (file.EndsWith("c.received.json", StringComparison.Ordinal)) throw new IOException("disk full"); };

        FluentActions.Invoking(() => GoldenStore.AcceptAll(dir.Path)).Should().Throw<IOException>();

        Faults.CliSandbox.Snapshot(dir.Path).Should().BeEquivalentTo(before, "a and b were accepted, then put back");
    }

    [Fact]
    public void A_received_file_at_another_claims_path_is_refused()
    {
        Json.Write(store.ReceivedPath("1-1/test/a"), GoldenSandbox.Claim("b"));

        FluentActions.Invoking(() => GoldenStore.AcceptAll(dir.Path))
            .Should().Throw<HomeworkException>().WithMessage("Accepted nothing*holds claim '1-1/test/b' at the quick profile, which belongs in quick/1-1/test/b.received.json*");
    }

    [Fact]
    public void Every_committed_golden_file_passes_the_catalog_rule()
    {
        // The rule accept applies: a catalog claim as the code states it, over the preset's number of seeds.
        var golden = ProjectPaths.Discover().GoldenRoot;
        foreach (string file in Directory.EnumerateFiles(golden, "*" + GoldenStore.VerifiedSuffix, SearchOption.AllDirectories))
            ReceivedFiles.AgainstCatalog(file, GoldenStore.Read(file)).Should().BeNull(file);
    }

    [Fact]
    public void The_catalog_rule_refuses_an_unknown_claim_another_wording_and_another_seed_count()
    {
        string file = Directory.EnumerateFiles(ProjectPaths.Discover().GoldenRoot, "*" + GoldenStore.VerifiedSuffix, SearchOption.AllDirectories).First();
        var record = GoldenStore.Read(file);

        ReceivedFiles.AgainstCatalog(file, record with { Claim = "1-9/none/such" }).Should().Contain("there is no claim '1-9/none/such'");
        ReceivedFiles.AgainstCatalog(file, record with { Statement = "Something else." }).Should().Contain("another version of the claim");
        ReceivedFiles.AgainstCatalog(file, record with { Seeds = record.Seeds + 1, Holds = 0 }).Should().Contain("so it did not come from that run");
        Catalog.Claims.Should().Contain(c => c.Id == record.Claim);
    }
}
