using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>What the diff compares with: the merge base with main by default, else HEAD; or, with --received, the verified files.</summary>
public sealed class GoldenDiffBaseTests : IDisposable
{
    private readonly GoldenSandbox repo = new();

    public void Dispose() => repo.Dispose();

    [Fact]
    public void By_default_a_branch_is_compared_with_its_merge_base_with_main()
    {
        repo.Write(GoldenSandbox.Claim("claim"));
        string mergeBase = repo.Commit("main");
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write(GoldenSandbox.Claim("claim", m => m["seed-0/converged-at"] = 1300));
        repo.Commit("feature changes a golden number");

        var diff = GoldenDiff.AgainstRevision(repo.Root, null);

        diff.Against.Should().Be($"the merge base with main ({mergeBase[..12]})");
        diff.Changed.Should().ContainSingle().Which.Metrics.Select(r => r.Name)
            .Should().Equal("converged-at (median of 3 seeds)", "seed-0/converged-at");
    }

    [Fact]
    public void Without_a_main_branch_the_working_tree_is_compared_with_HEAD()
    {
        repo.Git("checkout", "-q", "-b", "trunk");
        repo.Write(GoldenSandbox.Claim("claim"));
        string head = repo.Commit();
        repo.Write(GoldenSandbox.Claim("new"));

        var diff = GoldenDiff.AgainstRevision(repo.Root, null);

        diff.Against.Should().Be($"HEAD ({head[..12]})");
        diff.Added.Should().ContainSingle().Which.Claim.Should().Be("1-1/test/new");
    }

    [Fact]
    public void Received_files_are_compared_with_the_verified_files_beside_them()
    {
        repo.Write(GoldenSandbox.Claim("claim"));
        repo.Write(GoldenSandbox.Claim("flip"));
        Json.Write(repo.Received("quick", "1-1/test/claim"), GoldenSandbox.Claim("claim", m => m["seed-0/final-loss"] = 0.00105));
        Json.Write(repo.Received("quick", "1-1/test/new"), GoldenSandbox.Claim("new"));

        var diff = GoldenDiff.OfReceived(repo.Root);

        diff.Changed.Should().ContainSingle().Which.Metrics.Should().OnlyContain(r => r.Ok)
            .And.ContainSingle(r => r.Kind == RowKind.Seed).Which.Name.Should().Be("seed-0/final-loss");
        diff.Added.Should().ContainSingle().Which.Claim.Should().Be("1-1/test/new");
        diff.Removed.Should().BeEmpty("a verified file without a received one did not change");
    }
}
