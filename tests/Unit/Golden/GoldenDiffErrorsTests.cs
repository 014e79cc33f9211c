using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>A golden diff that cannot be computed fails with one line that says what is wrong and what to do.</summary>
public sealed class GoldenDiffErrorsTests : IDisposable
{
    private readonly GoldenSandbox repo = new();

    public void Dispose() => repo.Dispose();

    private Func<GoldenDiff> Against(string? revision) => () => GoldenDiff.AgainstRevision(repo.Root, revision);

    [Fact]
    public void An_unknown_revision_is_named_with_how_to_get_it()
    {
        repo.Write(GoldenSandbox.Claim("claim"));
        repo.Commit();

        Against("no-such-branch").Should().Throw<HomeworkException>()
            .WithMessage("Unknown revision 'no-such-branch'*git fetch*").Which.Message.Should().NotContain("\n");
    }

    [Fact]
    public void A_working_tree_golden_file_that_is_not_json_is_named()
    {
        repo.Write(GoldenSandbox.Claim("claim"));
        repo.Commit();
        File.WriteAllText(repo.Verified("quick", "1-1/test/claim"), "{ not json");

        Against("HEAD").Should().Throw<HomeworkException>().WithMessage(repo.Verified("quick", "1-1/test/claim") + ": not a valid GoldenRecord*");
    }

    [Fact]
    public void A_committed_golden_file_that_is_not_json_is_named_with_its_revision()
    {
        repo.Write(GoldenSandbox.Claim("claim"));
        File.WriteAllText(repo.Verified("quick", "1-1/test/broken"), "{ not json");
        string commit = repo.Commit();

        Against("HEAD").Should().Throw<HomeworkException>()
            .WithMessage($"tests/Reproduction/Golden/quick/1-1/test/broken.verified.json at HEAD ({commit[..12]}): not a valid GoldenRecord*--base*");
    }

    [Fact]
    public void Outside_a_git_checkout_the_error_says_so_and_offers_the_received_files()
    {
        using var plain = new GoldenSandbox(init: false);

        FluentActions.Invoking(() => GoldenDiff.AgainstRevision(plain.Root, null))
            .Should().Throw<HomeworkException>().WithMessage($"{plain.Root} is not inside a git checkout*--received*");
    }
}
