using Homework.Experiments;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Sharding;

namespace Homework.Tests.Unit.Sharding;

/// <summary>
/// The plan of a sharded run: every unit exactly once, split where an experiment declares it,
/// assigned by the cost estimates, and the same on every machine that computes it.
/// </summary>
public sealed class ShardPlanTests
{
    private static IReadOnlyList<(Experiment Experiment, object Config)> All(Profile profile) =>
        Catalog.Experiments.Select(e => (e, e.Configure(profile))).ToList();

    [Theory]
    [InlineData(Profile.Full, 1)]
    [InlineData(Profile.Full, 4)]
    [InlineData(Profile.Quick, 3)]
    [InlineData(Profile.Full, 16)]
    public void Every_unit_is_in_exactly_one_shard_and_mnist_cnn_is_split_by_net(Profile profile, int shards)
    {
        var plan = ShardPlan.Create(All(profile), profile, shards, "all");

        string[] expected = [.. Catalog.Experiments.SelectMany(e => e == MnistCnn.Experiment ? ["mnist-cnn/cnn-1", "mnist-cnn/cnn-2"] : new[] { e.Name })];
        plan.Units.Select(u => u.Id).Should().Equal(expected, "experiments in catalog order, parts in net order");
        Enumerable.Range(1, shards).SelectMany(plan.UnitsOf).Select(u => u.Id).Should().BeEquivalentTo(expected).And.OnlyHaveUniqueItems();
        plan.Units.Should().OnlyContain(u => plan.ShardOf(u) >= 1 && plan.ShardOf(u) <= shards);
    }

    [Fact]
    public void The_plan_is_the_same_every_time_it_is_computed()
    {
        var first = ShardPlan.Create(All(Profile.Full), Profile.Full, 4, "all");
        var again = ShardPlan.Create(All(Profile.Full), Profile.Full, 4, "all");

        again.Id.Should().Be(first.Id);
        again.ToRecord().Units.Should().Equal(first.ToRecord().Units);
    }

    [Fact]
    public void The_full_profile_in_four_shards_gives_the_larger_cnn_its_own_shard_and_balances_the_rest()
    {
        // Greedy, largest first: the larger net's 70 epochs on all of MNIST (about 16 min on the
        // harness's kernels) outweigh any other unit, so it trains alone; the smaller net (about
        // 8 min), random labels and the rest fill the other three shards, evened out.
        var plan = ShardPlan.Create(All(Profile.Full), Profile.Full, 4, "all");

        plan.UnitsOf(1).Select(u => u.Id).Should().Equal("mnist-cnn/cnn-2");
        plan.ShardOf(plan.Units.Single(u => u.Id == "mnist-cnn/cnn-1")).Should().NotBe(1);
        var rest = Enumerable.Range(2, 3).Select(plan.EstimatedSeconds).ToList();
        (rest.Max() - rest.Min()).Should().BeLessThan(
            plan.Units.Where(u => u.Id != "mnist-cnn/cnn-2").Max(u => u.EstimatedSeconds), "the greedy rule balances to within the largest unit");
    }

    [Fact]
    public void Largest_first_to_the_least_loaded_shard_keeps_the_longest_shard_within_four_thirds_of_the_best()
    {
        foreach (int shards in new[] { 2, 3, 4, 5, 8 })
        {
            var plan = ShardPlan.Create(All(Profile.Quick), Profile.Quick, shards, "all");
            double longest = Enumerable.Range(1, shards).Max(plan.EstimatedSeconds);
            double lowerBound = Math.Max(plan.Units.Max(u => u.EstimatedSeconds), plan.Units.Sum(u => u.EstimatedSeconds) / shards);
            longest.Should().BeLessThanOrEqualTo(4.0 / 3 * lowerBound + 1e-9, $"{shards} shards");
        }
    }

    [Fact]
    public void More_shards_than_units_leave_the_last_shards_empty()
    {
        var plan = ShardPlan.Create(All(Profile.Full), Profile.Full, 16, "all");

        Enumerable.Range(1, 10).Should().OnlyContain(s => plan.UnitsOf(s).Count == 1);
        Enumerable.Range(11, 6).Should().OnlyContain(s => plan.UnitsOf(s).Count == 0);
    }

    [Fact]
    public void The_plan_id_changes_with_the_shard_count_the_profile_and_the_config()
    {
        string id = ShardPlan.Create(All(Profile.Full), Profile.Full, 4, "all").Id;

        ShardPlan.Create(All(Profile.Full), Profile.Full, 3, "all").Id.Should().NotBe(id);
        ShardPlan.Create(All(Profile.Quick), Profile.Quick, 4, "all").Id.Should().NotBe(id);
        var changed = All(Profile.Full).Select(w => w.Experiment == MnistCnn.Experiment ? (w.Experiment, MnistCnn.Experiment.Configure(Profile.Full, ["epochs=69"])) : w).ToList();
        ShardPlan.Create(changed, Profile.Full, 4, "all").Id.Should().NotBe(id);
    }

    [Fact]
    public void A_config_with_one_net_is_one_unit_and_a_net_name_that_is_no_folder_name_is_refused()
    {
        var one = MnistCnn.Experiment.Configure(Profile.Quick, ["nets=[{\"name\":\"cnn-1\",\"widths\":{\"conv1\":4,\"conv2\":8,\"hidden\":32}}]"]);
        ShardPlan.Create([(MnistCnn.Experiment, one)], Profile.Quick, 2, "mnist-cnn").Units.Select(u => u.Id).Should().Equal("mnist-cnn");

        var slash = MnistCnn.Experiment.Configure(Profile.Quick,
            ["nets=[{\"name\":\"a/b\",\"widths\":{\"conv1\":4,\"conv2\":8,\"hidden\":32}},{\"name\":\"c\",\"widths\":{\"conv1\":4,\"conv2\":8,\"hidden\":32}}]"]);
        FluentActions.Invoking(() => ShardPlan.Create([(MnistCnn.Experiment, slash)], Profile.Quick, 2, "mnist-cnn"))
            .Should().Throw<UsageException>().WithMessage("*'a/b' is not usable as a folder name*");
    }

    [Theory]
    [InlineData(Profile.Quick)]
    [InlineData(Profile.Full)]
    public void Every_presets_estimate_is_positive_and_the_profile_adds_up_to_about_its_measured_time(Profile profile)
    {
        var estimates = All(profile).Select(w => w.Experiment.EstimatedSeconds(w.Config)).ToList();
        estimates.Should().OnlyContain(s => s > 0 && double.IsFinite(s));
        // The README's profiles table: about 4 min quick on an idle machine; at full 30 min of wall
        // time on 2 cores (the CNNs on the harness's kernels), about 60 min of one core's work.
        double minutes = estimates.Sum() / 60;
        minutes.Should().BeInRange(profile == Profile.Quick ? 2.5 : 35, profile == Profile.Quick ? 6.5 : 90);
    }

    [Theory]
    [InlineData("2/4", 2, 4)]
    [InlineData("1/1", 1, 1)]
    [InlineData("10/12", 10, 12)]
    public void A_shard_is_written_i_slash_n(string text, int index, int count)
    {
        Shard.Parse(text).Should().Be(new Shard(index, count));
        Shard.Parse(text).ToString().Should().Be(text);
    }

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("2")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    [InlineData(" 1/2")]
    [InlineData("")]
    public void Anything_else_is_refused_with_an_example(string text)
    {
        FluentActions.Invoking(() => Shard.Parse(text)).Should().Throw<UsageException>().WithMessage("*e.g. --shard 2/4*");
    }
}
