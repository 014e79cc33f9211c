using System.Text.Json.Nodes;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Sharding;
using Homework.Tests.Unit.Faults;

namespace Homework.Tests.Unit.Sharding;

/// <summary>
/// What `merge` refuses, each with one line that names what is wrong and what to do (exit code 2),
/// and with nothing written: shards that do not make one run together. Each test starts from the
/// shared tiny sharded run (<see cref="TinyShardedRun"/>) and changes a copy of a shard.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class MergeRefusalTests : IDisposable
{
    private readonly CliSandbox sandbox = new();
    private static TinyShardedRun Run => TinyShardedRun.Shared;

    public void Dispose() => sandbox.Dispose();

    private string Copy(int shard, string name) => Run.CopyShard(shard, Path.Combine(sandbox.Root, name));

    /// <summary>Runs `merge` and checks the refusal: exit 2, one error line containing <paramref name="expected"/>, no run written.</summary>
    private string Refused(string[] folders, params string[] expected)
    {
        var merge = sandbox.Run(["merge", .. folders]);
        merge.Exit.Should().Be(2, merge.ToString());
        string line = merge.Lines.Should().ContainSingle().Which;
        line.Should().StartWith("error:");
        foreach (string text in expected) line.Should().Contain(text);
        CliSandbox.FilesUnder(sandbox.Runs).Should().BeEmpty("a refused merge writes nothing");
        return line;
    }

    /// <summary>Changes the run.json of every part-run under <paramref name="folder"/> that <paramref name="which"/> selects.</summary>
    private static void EditRecords(string folder, Func<string, bool> which, Action<JsonObject> edit)
    {
        foreach (string file in Directory.EnumerateFiles(folder, RunStore.InfoFile, SearchOption.AllDirectories))
        {
            var record = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            if (!which(record["part"]!["unit"]!.GetValue<string>())) continue;
            edit(record);
            File.WriteAllText(file, record.ToJsonString(Json.Options) + "\n");
        }
    }

    private static string CnnUnitOf(int shard) => Run.Plan.UnitsOf(shard).Single(u => u.Experiment == MnistCnn.Experiment).Id;

    [Fact]
    public void A_missing_shard_is_named_with_its_units_and_the_command_that_runs_it()
    {
        var missing = Run.Plan.UnitsOf(2).Select(u => u.Id).ToArray();
        Refused([Run.ShardFolder(1)], ["Shard 2/2 is missing", .. missing, "--shard 2/2"]);
    }

    [Fact]
    public void A_shard_given_twice_is_a_duplicate()
    {
        Refused([Run.ShardFolder(1), Copy(1, "shard-1-again"), Run.ShardFolder(2)], "is there twice", "shard-1-again", "Pass each shard's folder once");
    }

    [Fact]
    public void A_shard_from_another_commit_is_refused()
    {
        string other = Copy(2, "shard-2-other-commit");
        EditRecords(other, _ => true, record =>
        {
            record["revision"] = "0123456789abcdef0123456789abcdef01234567";
            record["workingTree"] = "clean";
        });

        Refused([Run.ShardFolder(1), other], "The shards ran different code", "0123456789ab", "one commit");
    }

    [Fact]
    public void A_shard_of_another_sharded_run_is_refused()
    {
        // The same configs planned as one shard: a real part-run of another plan.
        var plan = ShardPlan.Create(TinyShardedRun.Configs(), Profile.Quick, 1, "all");
        var unit = plan.Units.Single(u => u.Id == "gradient-norm");
        string other = Path.Combine(sandbox.Root, "other-plan");
        PartRuns.RunAndSave(unit, plan, TinyShardedRun.Context, Run.PathsAt(other), TinyShardedRun.OverridesOf(unit.Experiment));

        Refused([Run.ShardFolder(1), Run.ShardFolder(2), other], "different sharded runs", plan.Id, Run.Plan.Id);
    }

    [Fact]
    public void Parts_of_one_experiment_from_two_floating_point_paths_are_refused_unless_allowed_and_then_carry_no_fingerprint()
    {
        string other = Copy(2, "shard-2-other-cpu");
        EditRecords(other, unit => unit == CnnUnitOf(2), record => record["numerics"]!["cpu"] = "AuthenticAMD family 25 model 1 stepping 1 (another CPU)");

        Refused([Run.ShardFolder(1), other], "The parts of mnist-cnn ran on different floating-point paths", "another CPU", "--allow-mixed-numerics");

        var merge = sandbox.Run("merge", Run.ShardFolder(1), other, "--allow-mixed-numerics");
        merge.Exit.Should().Be(0, merge.ToString());
        merge.Output.Should().Contain("no fingerprint recorded");
        var paths = Run.PathsAt(sandbox.Artifacts);
        Json.Read<RunInfo>(Path.Combine(Run.RunFolderIn(sandbox.Artifacts, MnistCnn.Experiment), RunStore.InfoFile), "").Numerics
            .Should().BeNull("the golden files are then compared in the portable regime only");
        Json.Read<RunInfo>(Path.Combine(Run.RunFolderIn(sandbox.Artifacts, GradientNorm.Experiment), RunStore.InfoFile), "").Numerics
            .Should().NotBeNull("experiments of one machine keep their fingerprint (and may differ between experiments)");
        paths.Runs.Should().StartWith(sandbox.Artifacts);
    }

    [Fact]
    public void A_part_run_whose_config_is_not_what_this_code_makes_of_the_preset_is_refused()
    {
        string other = Copy(2, "shard-2-other-config");
        string unit = CnnUnitOf(2);
        string config = Directory.EnumerateFiles(other, RunStore.ConfigFile, SearchOption.AllDirectories)
            .Single(f => Path.GetFileName(Path.GetDirectoryName(f)) == unit.Split('/')[1]);
        var node = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        node["learningRate"] = 0.002;
        File.WriteAllText(config, node.ToJsonString(Json.Options) + "\n");

        Refused([Run.ShardFolder(1), other], "is not the config this checkout gives", unit, "learningRate 0.002 (here: 0.001)");
    }

    [Fact]
    public void Part_runs_of_another_profile_or_no_part_runs_at_all_are_refused()
    {
        Refused([Run.ShardFolder(1), Run.ShardFolder(2), "--profile", "full"], "No part-runs of the full profile", "--profile quick");
        Refused([Run.Unsharded], "No part-runs of the quick profile");
        Refused([Path.Combine(sandbox.Root, "nowhere")], "no such folder");
    }
}
