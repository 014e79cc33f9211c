using Homework.Experiments;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Sharding;

namespace Homework.Tests.Unit.Sharding;

/// <summary>
/// Issue 15, item 3: "Locally, `run --shard i/n` plus a merge step must give the same results as
/// one run (byte-identical on one machine), covered by a test." Through the real run code, on tiny
/// configs: mnist-cnn split by net across the two shards, and two experiments as whole units.
/// </summary>
public sealed class ShardAndMergeTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private static TinyShardedRun Run => TinyShardedRun.Shared;

    public void Dispose() => dir.Dispose();

    [Fact]
    public void The_two_nets_of_mnist_cnn_are_trained_by_different_shards()
    {
        // The premise of the split test below: the merge really puts together parts from two machines.
        var parts = Run.Plan.Units.Where(u => u.Experiment == MnistCnn.Experiment).ToList();
        parts.Select(u => u.Id).Should().Equal("mnist-cnn/cnn-1", "mnist-cnn/cnn-2");
        parts.Select(Run.Plan.ShardOf).Should().OnlyHaveUniqueItems();
        Run.Plan.Units.Where(u => u.Key is null).Select(u => u.Id).Should().Equal("optimization-paths", "gradient-norm");
    }

    [Fact]
    public void Shard_and_merge_give_the_config_and_result_of_one_unsharded_run_byte_for_byte()
    {
        string merged = Path.Combine(dir.Path, "merged");

        var runs = ShardMerge.Merge([Run.ShardFolder(1), Run.ShardFolder(2)], Profile.Quick, Run.PathsAt(merged));

        runs.Select(r => r.Experiment.Name).Should().Equal("mnist-cnn", "optimization-paths", "gradient-norm");
        foreach (var (experiment, _) in TinyShardedRun.Configs())
        {
            string one = Run.RunFolderIn(Run.Unsharded, experiment);
            string sharded = Run.RunFolderIn(merged, experiment);
            runs.Single(r => r.Experiment == experiment).Directory.Should().Be(sharded, "the merge saves where one run saves");
            foreach (string file in new[] { RunStore.ConfigFile, RunStore.ResultFile })
                File.ReadAllBytes(Path.Combine(sharded, file)).Should().Equal(File.ReadAllBytes(Path.Combine(one, file)),
                    $"{experiment.Name}'s {file} after shard and merge is the unsharded run's");
            string? batchOrder = Json.Read<RunInfo>(Path.Combine(one, RunStore.InfoFile), "").BatchOrder;
            batchOrder.Should().NotBeNull();
            Json.Read<RunInfo>(Path.Combine(sharded, RunStore.InfoFile), "").BatchOrder.Should().Be(batchOrder,
                $"{experiment.Name}'s parts trained disjoint nets, whose batch-order digests add up to the unsharded run's");
        }
    }

    [Fact]
    public void The_merged_record_names_every_part_its_shard_and_time_and_the_run_reads_back_as_any_run()
    {
        string merged = Path.Combine(dir.Path, "merged");
        ShardMerge.Merge([Run.ShardFolder(1), Run.ShardFolder(2)], Profile.Quick, Run.PathsAt(merged));

        var info = Json.Read<RunInfo>(Path.Combine(Run.RunFolderIn(merged, MnistCnn.Experiment), RunStore.InfoFile), "");
        info.Part.Should().BeNull("the merged run is whole");
        info.Sharded!.Plan.Should().Be(Run.Plan.Id);
        info.Sharded.Shards.Should().Be(TinyShardedRun.Shards);
        info.Sharded.Parts.Select(p => (p.Unit, p.Shard)).Should().Equal(
            Run.Plan.Units.Where(u => u.Experiment == MnistCnn.Experiment).Select(u => (u.Id, Run.Plan.ShardOf(u))));
        info.Seconds.Should().BeApproximately(info.Sharded.Parts.Sum(p => p.Seconds), 0.11, "a merged run's time is its parts' time added up");
        info.Numerics.Should().NotBeNull("both parts ran on this machine's one floating-point path");
        info.Overrides.Should().Equal(TinyShardedRun.OverridesOf(MnistCnn.Experiment));

        var result = (MnistCnnResult)MnistCnn.Experiment.ReadResult(Path.Combine(Run.RunFolderIn(merged, MnistCnn.Experiment), RunStore.ResultFile), "");
        result.Runs.Select(r => (r.Seed, r.Net)).Should().Equal((0, "cnn-1"), (0, "cnn-2"), (1, "cnn-1"), (1, "cnn-2"));
    }

    [Fact]
    public void A_shard_saves_only_part_runs_which_nothing_reads_as_a_whole_run()
    {
        var paths = Run.PathsAt(Run.ShardFolder(1));
        foreach (var unit in Run.Plan.UnitsOf(1))
        {
            string folder = PartRuns.Directory(unit, Profile.Quick, paths);
            Directory.Exists(folder).Should().BeTrue();
            folder.Should().Contain($"{Path.DirectorySeparatorChar}parts{Path.DirectorySeparatorChar}");
            Json.Read<RunInfo>(Path.Combine(folder, RunStore.InfoFile), "").Part!.Unit.Should().Be(unit.Id);
        }
        Directory.EnumerateFiles(paths.Runs, RunStore.ResultFile, SearchOption.AllDirectories)
            .Should().OnlyContain(f => f.Contains($"{Path.DirectorySeparatorChar}parts{Path.DirectorySeparatorChar}"), "a shard writes no whole run");
    }

    [Fact]
    public void A_run_in_progress_in_any_target_folder_stops_the_merge_before_it_replaces_a_run()
    {
        string merged = Path.Combine(dir.Path, "merged");
        var paths = Run.PathsAt(merged);
        using (RunFolder.Lock(Run.RunFolderIn(merged, GradientNorm.Experiment), "a run of the last experiment"))
            FluentActions.Invoking(() => ShardMerge.Merge([Run.ShardFolder(1), Run.ShardFolder(2)], Profile.Quick, paths))
                .Should().Throw<HomeworkException>().WithMessage("*is being written by*");

        Directory.EnumerateFiles(paths.Runs, "*.json", SearchOption.AllDirectories).Should().BeEmpty("the first experiments were not merged either");
    }

    [Fact]
    public void Merging_again_replaces_the_merged_run_with_the_same_bytes()
    {
        string merged = Path.Combine(dir.Path, "merged");
        ShardMerge.Merge([Run.ShardFolder(1), Run.ShardFolder(2)], Profile.Quick, Run.PathsAt(merged));
        string result = Path.Combine(Run.RunFolderIn(merged, MnistCnn.Experiment), RunStore.ResultFile);
        byte[] first = File.ReadAllBytes(result);

        ShardMerge.Merge([Run.ShardFolder(2), Run.ShardFolder(1)], Profile.Quick, Run.PathsAt(merged));

        File.ReadAllBytes(result).Should().Equal(first, "the order the folders are given in changes nothing");
        Directory.EnumerateDirectories(Path.GetDirectoryName(Run.RunFolderIn(merged, MnistCnn.Experiment))!, ".*").Should().BeEmpty("no temporary folder is left");
    }
}
