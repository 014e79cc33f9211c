using Homework.Experiments.Claims;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>
/// Reviewing a change: the golden-metric diff of the working tree against a commit lists
/// changed floating-point paths and verdict flips first, then medians over seeds outside and
/// within the old seeds' band, then how many single seeds' values moved, then added and
/// removed golden files.
/// </summary>
public sealed class GoldenDiffTests : IDisposable
{
    private readonly GoldenSandbox repo = new();
    private readonly string markdown;

    public GoldenDiffTests()
    {
        foreach (string name in new[] { "claim", "flip", "gone", "moved" })
            repo.Write(GoldenSandbox.Claim(name));
        repo.Commit();

        repo.Write(GoldenSandbox.Claim("claim", m => { m["seed-0/final-loss"] = 0.0015; m["seed-0/converged-at"] = 1300; }));
        repo.Write(GoldenSandbox.Claim("flip", m => { m["seed-0/holds"] = false; Records.Scale("final-loss", 10)(m); }, Verdict.Contradicted, holds: 1));
        repo.Write(GoldenSandbox.Claim("moved", m => m["seed-2/final-loss"] = 0.0041) with { Numerics = Records.Elsewhere });
        repo.Delete("1-1/test/gone");
        repo.Write(GoldenSandbox.Claim("new"));

        markdown = GoldenDiff.AgainstRevision(repo.Root, "HEAD").ToMarkdown();
    }

    public void Dispose() => repo.Dispose();

    private int Section(string heading) => markdown.IndexOf("### " + heading, StringComparison.Ordinal);

    [Fact]
    public void A_changed_floating_point_path_is_listed_first_with_both_fingerprints()
    {
        Section("Numerics fingerprints").Should().BePositive().And.BeLessThan(Section("Verdict flips"));
        markdown.Should().Contain($"| quick | `1-1/test/moved` | {Records.Here} | {Records.Elsewhere} |");
    }

    [Fact]
    public void A_verdict_flip_comes_before_the_metrics_with_the_claim_its_words_and_both_counts()
    {
        markdown.Should().Contain("| quick | `1-1/test/flip` | “The report says so.” | reproduced → contradicted | 2/3 → 1/3 |");
        Section("Verdict flips").Should().BeLessThan(Section("Changes outside the seed band"));
    }

    [Fact]
    public void A_median_that_left_the_old_seeds_band_is_listed_outside_with_its_rule()
    {
        markdown[Section("Changes outside the seed band")..Section("Changes within the seed band")]
            .Should().Contain("| quick | `1-1/test/flip` | final-loss (median of 3 seeds) | 0.002 (seeds 0.001 to 0.004) | 0.02 (seeds 0.01 to 0.04) | +1.8E-2 | +900% | median in 0.00025 to 0.016 (log scale) |");
    }

    [Fact]
    public void A_median_that_moved_within_the_band_is_listed_within()
    {
        markdown[Section("Changes within the seed band")..Section("Seed noise")]
            .Should().Contain("| quick | `1-1/test/claim` | final-loss (median of 3 seeds) | 0.002 (seeds 0.001 to 0.004) | 0.002 (seeds 0.0015 to 0.004) |")
            .And.Contain("| quick | `1-1/test/moved` | final-loss (median of 3 seeds) |");
    }

    [Fact]
    public void Single_seeds_are_counted_as_seed_noise_or_beyond_the_span()
    {
        string noise = markdown[Section("Seed noise")..Section("Added golden files")];
        noise.Should().Contain("| quick | `1-1/test/claim` | 2 | 2 | 0 |")
            .And.Contain("| quick | `1-1/test/flip` | 4 | 1 | 3 |")
            .And.Contain("| quick | `1-1/test/moved` | 1 | 0 | 1 |");
    }

    [Fact]
    public void Unchanged_metrics_and_the_flipped_verdict_are_not_repeated()
    {
        markdown.Should().NotContain("deep/parameters").And.NotContain("| note |").And.NotContain("### Other changed fields");
    }

    [Fact]
    public void Added_and_removed_golden_files_are_listed_with_their_claims()
    {
        int added = Section("Added golden files"), removed = Section("Removed golden files");
        added.Should().BePositive();
        removed.Should().BeGreaterThan(added);
        markdown[added..removed].Should().Contain("| quick | `1-1/test/new` | “The report says so.” | reproduced | 2/3 |");
        markdown[removed..].Should().Contain("| quick | `1-1/test/gone` | “The report says so.” | reproduced | 2/3 |");
    }

    [Fact]
    public void A_changed_statement_is_listed_among_the_other_fields()
    {
        repo.Write(GoldenSandbox.Claim("claim") with { Statement = "The report now says otherwise." });

        GoldenDiff.AgainstRevision(repo.Root, "HEAD").ToMarkdown()
            .Should().Contain("### Other changed fields")
            .And.Contain("| quick | `1-1/test/claim` | statement | The report says so. | The report now says otherwise. |");
    }

    [Fact]
    public void A_batch_order_pinned_or_changed_is_listed_among_the_other_fields()
    {
        repo.Write(GoldenSandbox.Claim("claim") with { BatchOrder = "00000000000000a1" });
        repo.Commit("pin a batch order");
        repo.Write(GoldenSandbox.Claim("claim") with { BatchOrder = "00000000000000b2" });
        repo.Write(GoldenSandbox.Claim("moved") with { BatchOrder = "00000000000000c3" });

        GoldenDiff.AgainstRevision(repo.Root, "HEAD").ToMarkdown()
            .Should().Contain("| quick | `1-1/test/claim` | batch order | 00000000000000a1 | 00000000000000b2 |")
            .And.Contain("| quick | `1-1/test/moved` | batch order | (not recorded) | 00000000000000c3 |");
    }

    [Fact]
    public void No_changes_give_one_line_naming_the_revision()
    {
        string commit = repo.Commit("accept the new golden files");

        GoldenDiff.AgainstRevision(repo.Root, "HEAD").ToMarkdown()
            .Should().Be($"No golden-metric changes against HEAD ({commit[..12]}).\n");
    }
}
