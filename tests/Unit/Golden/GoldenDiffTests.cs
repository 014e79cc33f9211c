using Homework.Experiments.Claims;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>
/// Reviewing a change: the golden-metric diff of the working tree against a commit lists
/// verdict flips first, then every changed metric with its tolerance, then added and
/// removed golden files.
/// </summary>
public sealed class GoldenDiffTests : IDisposable
{
    private readonly GoldenSandbox repo = new();
    private readonly string markdown;

    public GoldenDiffTests()
    {
        repo.Write(GoldenSandbox.Claim("claim"));
        repo.Write(GoldenSandbox.Claim("flip"));
        repo.Write(GoldenSandbox.Claim("gone"));
        repo.Commit();

        repo.Write(GoldenSandbox.Claim("claim", m => { m["seed-0/final-loss"] = 0.00105; m["seed-0/converged-at"] = 1300; }));
        repo.Write(GoldenSandbox.Claim("flip", m => { m["seed-0/holds"] = false; m["seed-0/final-loss"] = 0.002; }, Verdict.NotReproduced, holds: 1));
        repo.Delete("1-1/test/gone");
        repo.Write(GoldenSandbox.Claim("new"));

        markdown = GoldenDiff.AgainstRevision(repo.Root, "HEAD", GoldenSandbox.Tolerances).ToMarkdown();
    }

    public void Dispose() => repo.Dispose();

    [Fact]
    public void A_verdict_flip_is_listed_first_with_the_claim_its_words_and_both_counts()
    {
        markdown.Should().Contain("| quick | `1-1/test/flip` | “The report says so.” | reproduced → not reproduced | 2/3 → 1/3 |");
        markdown.IndexOf("### Verdict flips", StringComparison.Ordinal).Should().BeLessThan(markdown.IndexOf("### Changed metrics", StringComparison.Ordinal));
    }

    [Fact]
    public void A_real_that_moved_within_its_tolerance_says_so()
    {
        markdown.Should().Contain("| quick | `1-1/test/claim` | seed-0/final-loss | 0.001 | 0.00105 | +5E-5 | +5% | ±10% | yes |");
    }

    [Fact]
    public void Changes_beyond_the_tolerance_and_of_exact_metrics_are_marked_outside()
    {
        markdown.Should().Contain("| quick | `1-1/test/flip` | seed-0/final-loss | 0.001 | 0.002 | +1E-3 | +100% | ±10% | **no** |")
            .And.Contain("| quick | `1-1/test/claim` | seed-0/converged-at | 1200 | 1300 | +100 | +8.333% | exact | **no** |")
            .And.Contain("| quick | `1-1/test/flip` | seed-0/holds | true | false |  |  | exact | **no** |")
            .And.Contain("4 metrics changed in 2 golden files; 3 outside their tolerance.");
    }

    [Fact]
    public void Unchanged_metrics_and_the_flipped_verdict_are_not_repeated()
    {
        markdown.Should().NotContain("deep/parameters").And.NotContain("| note |").And.NotContain("### Other changed fields");
    }

    [Fact]
    public void Added_and_removed_golden_files_are_listed_with_their_claims()
    {
        int added = markdown.IndexOf("### Added golden files", StringComparison.Ordinal);
        int removed = markdown.IndexOf("### Removed golden files", StringComparison.Ordinal);
        added.Should().BePositive();
        removed.Should().BeGreaterThan(added);
        markdown[added..removed].Should().Contain("| quick | `1-1/test/new` | “The report says so.” | reproduced | 2/3 |");
        markdown[removed..].Should().Contain("| quick | `1-1/test/gone` | “The report says so.” | reproduced | 2/3 |");
    }

    [Fact]
    public void A_real_of_a_claim_the_catalog_does_not_know_has_no_declared_tolerance()
    {
        var diff = GoldenDiff.AgainstRevision(repo.Root, "HEAD", new Dictionary<string, IReadOnlyList<ToleranceRule>>());

        diff.ToMarkdown().Should().Contain("| seed-0/final-loss | 0.001 | 0.00105 | +5E-5 | +5% | none declared");
    }

    [Fact]
    public void A_changed_statement_is_listed_among_the_other_fields()
    {
        repo.Write(GoldenSandbox.Claim("claim") with { Statement = "The report now says otherwise." });

        GoldenDiff.AgainstRevision(repo.Root, "HEAD", GoldenSandbox.Tolerances).ToMarkdown()
            .Should().Contain("### Other changed fields")
            .And.Contain("| quick | `1-1/test/claim` | statement | The report says so. | The report now says otherwise. |");
    }

    [Fact]
    public void No_changes_give_one_line_naming_the_revision()
    {
        string commit = repo.Commit("accept the new golden files");

        GoldenDiff.AgainstRevision(repo.Root, "HEAD", GoldenSandbox.Tolerances).ToMarkdown()
            .Should().Be($"No golden-metric changes against HEAD ({commit[..12]}).\n");
    }
}
