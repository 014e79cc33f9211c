using Homework.Experiments.Core;
using Homework.Tests.Unit.Faults;

namespace Homework.Tests.Unit.Sharding;

/// <summary>
/// `run ... --shard i/n`, `--plan` and `merge` as a user (or CI) types them, in a throwaway root:
/// the merged run is the one an unsharded run saves, byte for byte; a preset's merged run is what
/// check, figures and report read, and a part never is.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class ShardCommandLineTests : IDisposable
{
    private static readonly string[] TinyCnn = ["--set", "epochs=1", "--set", "trainSamples=300", "--set", "testSamples=100", "--set", "seeds=[0,1]"];
    private readonly CliSandbox sandbox = new();

    public ShardCommandLineTests() => sandbox.Environment[ProjectPaths.DataVariable] = TinyShardedRun.DataDirectory;

    public void Dispose() => sandbox.Dispose();

    private string Folder(string name) => Path.Combine(sandbox.Root, name);

    [Fact]
    public void Mnist_cnn_sharded_by_net_on_the_command_line_merges_into_the_run_one_unsharded_run_saves()
    {
        var one = sandbox.Run(["run", "mnist-cnn", .. TinyCnn, "--no-figures", "--artifacts", Folder("one")]);
        one.Exit.Should().Be(0, one.ToString());
        foreach (int shard in new[] { 1, 2 })
        {
            var run = sandbox.Run(["run", "mnist-cnn", .. TinyCnn, "--shard", $"{shard}/2", "--artifacts", Folder($"shard-{shard}")]);
            run.Exit.Should().Be(0, run.ToString());
            run.Output.Should().Contain($"Plan ").And.Contain("part-run saved to");
        }

        var alone = sandbox.Run("merge", Folder("shard-1"), "--artifacts", Folder("merged"));
        alone.Exit.Should().Be(2, alone.ToString());
        alone.Lines.Should().ContainSingle().Which.Should().Contain(
            "`run mnist-cnn --profile quick --set epochs=1 --set trainSamples=300 --set testSamples=100 --set seeds=[0,1] --shard 2/2`", "the command that makes the missing shard");

        var merge = sandbox.Run("merge", Folder("shard-1"), Folder("shard-2"), "--artifacts", Folder("merged"));

        merge.Exit.Should().Be(0, merge.ToString());
        string unsharded = Directory.GetDirectories(Path.Combine(Folder("one"), "runs", "mnist-cnn", "overrides")).Single();
        string merged = Path.Combine(Folder("merged"), "runs", "mnist-cnn", "overrides", Path.GetFileName(unsharded));
        merge.Output.Should().Contain(merged);
        foreach (string file in new[] { RunStore.ConfigFile, RunStore.ResultFile })
            File.ReadAllBytes(Path.Combine(merged, file)).Should().Equal(File.ReadAllBytes(Path.Combine(unsharded, file)), file);
    }

    [Fact]
    public void A_merged_preset_run_is_what_check_figures_and_report_read_and_a_shard_alone_is_nothing_to_them()
    {
        const string experiment = "optimization-paths"; // whole unit; its quick preset trains in about a second
        sandbox.Run("run", experiment, "--no-figures", "--artifacts", Folder("one")).Exit.Should().Be(0);
        var shard = sandbox.Run("run", experiment, "--shard", "1/1");
        shard.Exit.Should().Be(0, shard.ToString());

        var figures = sandbox.Run("figures");
        figures.Exit.Should().Be(2, "a part-run is not a saved result: " + figures);
        figures.Output.Should().Contain("No saved results");
        Directory.Exists(sandbox.PresetRun(experiment)).Should().BeFalse();

        var merge = sandbox.Run("merge"); // default: the part-runs in this --artifacts folder
        merge.Exit.Should().Be(0, merge.ToString());
        merge.Output.Should().Contain("Next: `figures --profile quick`");
        foreach (string file in new[] { RunStore.ConfigFile, RunStore.ResultFile })
            File.ReadAllBytes(Path.Combine(sandbox.PresetRun(experiment), file))
                .Should().Equal(File.ReadAllBytes(Path.Combine(Folder("one"), "runs", experiment, "quick", file)), file);
        sandbox.Run("figures").Exit.Should().Be(0);
        sandbox.Run("report").Exit.Should().Be(0);
        File.ReadAllText(Path.Combine(sandbox.Artifacts, "report.md")).Should().Contain(experiment);
        sandbox.Run("check").Exit.Should().BeOneOf([0, 1], "check reads the merged run (and compares it; it does not refuse it)");
    }

    [Fact]
    public void A_part_run_put_in_the_preset_folder_is_refused_as_a_part()
    {
        const string experiment = "optimization-paths";
        sandbox.Run("run", experiment, "--shard", "1/1").Exit.Should().Be(0);
        string part = Path.Combine(sandbox.Runs, experiment, ProjectPaths.PartsFolder, "quick", "whole");
        Directory.Move(part, sandbox.PresetRun(experiment)); // what a careless copy would do

        var check = sandbox.Run("check");

        check.Exit.Should().Be(2, check.ToString());
        check.Lines.Should().ContainSingle(l => l.StartsWith("error:", StringComparison.Ordinal))
            .Which.Should().Contain("holds a part-run of a sharded run (optimization-paths, shard 1/1)").And.Contain("merge");
    }

    [Fact]
    public void The_plan_shows_every_shard_with_its_units_and_trains_nothing()
    {
        var plan = sandbox.Run("run", "all", "--profile", "full", "--shard", "2/4", "--plan");

        plan.Exit.Should().Be(0, plan.ToString());
        plan.Output.Should().Contain("all at the full profile in 4 shards, 10 units").And.Contain("2/4 <- this one");
        var rows = plan.Lines.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d/4")).ToList();
        rows.Should().HaveCount(4);
        rows.Should().ContainSingle(r => r.Contains("mnist-cnn/cnn-1")).Which.Should().NotContain("mnist-cnn/cnn-2", "the two nets go to two shards");
        Directory.Exists(sandbox.Runs).Should().BeFalse("--plan trains nothing");
        plan.Output.Should().NotContain("LibTorch", "--plan does not even load it");
    }

    [Theory]
    [InlineData("--shard", "0/4")]
    [InlineData("--shard", "5/4")]
    [InlineData("--shard", "two/4")]
    [InlineData("--shard", "4")]
    [InlineData("--plan")]
    [InlineData("--shard", "1/2", "--check")]
    public void A_bad_shard_option_is_one_line_and_exit_code_2(params string[] options)
    {
        var result = sandbox.Run(["run", "all", .. options]);

        result.Exit.Should().Be(2, result.ToString());
        result.Lines.Should().ContainSingle().Which.Should().StartWith("error:").And.Contain(options.Contains("--check") ? "--check" : "--shard");
        Directory.Exists(sandbox.Runs).Should().BeFalse();
    }
}
