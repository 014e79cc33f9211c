using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Tests.Unit.Golden;

namespace Homework.Tests.Unit.Core;

/// <summary>run.json names the code a result came from: the git commit and whether the working tree differed from it.</summary>
public sealed class SourceRevisionTests
{
    [Fact]
    public void Outside_a_git_checkout_both_are_unknown_and_nothing_fails()
    {
        using var dir = new TempDirectory();
        SourceRevision.Of(dir.Path).Should().Be(new SourceRevision("unknown", "unknown"));
        SourceRevision.Of(Path.Combine(dir.Path, "no such folder")).Should().Be(new SourceRevision("unknown", "unknown"));
    }

    [Fact]
    public void In_a_checkout_the_commit_is_recorded_and_a_changed_or_new_file_makes_the_tree_dirty()
    {
        using var repo = new GoldenSandbox();
        File.WriteAllText(Path.Combine(repo.Root, "code.cs"), "class A {}\n");
        string commit = repo.Commit("code");
        SourceRevision.Of(repo.Root).Should().Be(new SourceRevision(commit, "clean"));

        File.WriteAllText(Path.Combine(repo.Root, "code.cs"), "class B {}\n");
        SourceRevision.Of(repo.Root).Should().Be(new SourceRevision(commit, "dirty"));

        repo.Commit("changed");
        File.WriteAllText(Path.Combine(repo.Root, "new.cs"), "class C {}\n");
        SourceRevision.Of(repo.Root).WorkingTree.Should().Be("dirty", "an untracked source file is compiled too");
    }

    [Fact]
    public void A_run_records_the_revision_of_the_checkout_it_ran_in()
    {
        using var repo = new GoldenSandbox();
        File.WriteAllText(Path.Combine(repo.Root, ".gitignore"), "artifacts/\n");
        string commit = repo.Commit("ignore outputs");
        var paths = new ProjectPaths(repo.Root, Path.Combine(repo.Root, "artifacts"), Path.Combine(repo.Root, "data"));
        var config = FunctionFittingConfig.Quick with { Epochs = 2, Points = 10, Seeds = [0], Functions = [TargetFunction.Sinc] };

        var saved = RunStore.RunAndSave(FunctionFitting.Experiment, config, Profile.Quick, new RunContext { Jobs = 1 }, paths);

        var info = Json.Read<RunInfo>(Path.Combine(saved.Directory, RunStore.InfoFile), "test");
        info.Revision.Should().Be(commit);
        info.WorkingTree.Should().Be("clean", "the outputs are ignored, so writing them does not dirty the tree");
    }

    [Fact]
    public void A_run_json_written_before_the_revision_and_the_fingerprint_were_recorded_still_reads_as_unknown()
    {
        const string old = """
            {
              "experiment": "function-fitting",
              "profile": "quick",
              "finished": "2025-01-01T00:00:00+00:00",
              "seconds": 1.5,
              "jobs": 2,
              "threads": 1,
              "machine": "2 cores",
              "torch": "2.10.0",
              "runtime": ".NET 10"
            }
            """;
        var info = Json.Deserialize<RunInfo>(old, "run.json");
        info.Revision.Should().Be("unknown");
        info.WorkingTree.Should().Be("unknown");
        info.Numerics.Should().BeNull("a golden check of such a run compares in the portable regime");
    }
}
