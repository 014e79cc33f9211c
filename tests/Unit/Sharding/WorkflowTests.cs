using System.Text.RegularExpressions;
using Homework.Experiments.Core;
using YamlDotNet.RepresentationModel;

namespace Homework.Tests.Unit.Sharding;

/// <summary>
/// The GitHub workflows cannot run here, so their structure is checked where it can go wrong
/// without a syntax error: the sharded workflow's matrix, the shard argument built from it, the
/// artifact names the merge job downloads, and that every Cake target a workflow (or
/// <c>.ci/run</c>) calls exists in <c>build/build.cake</c>.
/// </summary>
public sealed partial class WorkflowTests
{
    private static readonly string Root = ProjectPaths.Discover().Root;

    private static YamlMappingNode Load(string name)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, ".github", "workflows", name));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)]);

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    private static IReadOnlyList<YamlMappingNode> Steps(YamlMappingNode workflow, string job) =>
        ((YamlSequenceNode)At(workflow, "jobs", job, "steps")).Children.Cast<YamlMappingNode>().ToList();

    private static string Runs(YamlMappingNode workflow, string job) =>
        string.Join("\n", Steps(workflow, job).Where(s => s.Children.ContainsKey(new YamlScalarNode("run"))).Select(s => Text(At(s, "run"))));

    private static YamlMappingNode Uses(YamlMappingNode workflow, string job, string action) =>
        Steps(workflow, job).Single(s => s.Children.TryGetValue(new YamlScalarNode("uses"), out var uses) && Text(uses).StartsWith(action, StringComparison.Ordinal));

    [Fact]
    public void The_full_profile_workflow_runs_one_shard_per_matrix_entry_and_merges_after_all_of_them()
    {
        var workflow = Load("full-profile.yml");
        ((YamlMappingNode)At(workflow, "on")).Children.Keys.Select(Text).Should().Contain("workflow_dispatch");

        var shards = ((YamlSequenceNode)At(workflow, "jobs", "shard", "strategy", "matrix", "shard")).Children.Select(n => int.Parse(Text(n))).ToList();
        shards.Should().Equal(Enumerable.Range(1, shards.Count), "shards 1 to n, n being the matrix's length").And.HaveCountGreaterThan(1);
        Text(At(workflow, "jobs", "shard", "strategy", "fail-fast")).Should().Be("false");
        Runs(workflow, "shard").Should().Contain("--target=Shard").And.Contain("--profile=full")
            .And.Contain("--shard=${{ matrix.shard }}/${{ strategy.job-total }}");

        string uploaded = Text(At(Uses(workflow, "shard", "actions/upload-artifact"), "with", "name"));
        string pattern = Text(At(Uses(workflow, "merge", "actions/download-artifact"), "with", "pattern"));
        foreach (int shard in shards)
            Regex.IsMatch(uploaded.Replace("${{ matrix.shard }}", shard.ToString()), "^" + Regex.Escape(pattern).Replace(@"\*", ".*") + "$")
                .Should().BeTrue($"the merge job downloads shard {shard}'s artifact ({uploaded} against {pattern})");
        Text(At(Uses(workflow, "shard", "actions/upload-artifact"), "with", "path")).Should().StartWith("artifacts/runs");

        Text(At(workflow, "jobs", "merge", "needs")).Should().Be("shard");
        string path = Text(At(Uses(workflow, "merge", "actions/download-artifact"), "with", "path"));
        Runs(workflow, "merge").Should().Contain("--target=PublishShards").And.Contain("--profile=full").And.Contain($"--shards={path}");
    }

    [Fact]
    public void Every_cake_target_a_workflow_or_the_ci_script_calls_exists()
    {
        string cake = File.ReadAllText(Path.Combine(Root, "build", "build.cake"));
        var defined = TaskDefinition().Matches(cake).Select(m => m.Groups[1].Value).ToHashSet();
        var scripts = new[] { Runs(Load("full-profile.yml"), "shard"), Runs(Load("full-profile.yml"), "merge"), Runs(Load("ci.yml"), "ci"), File.ReadAllText(Path.Combine(Root, ".ci", "run")) };

        var called = scripts.SelectMany(s => TargetCall().Matches(s)).Select(m => m.Groups[1].Value).ToList();

        called.Should().Contain(["Shard", "PublishShards", "CI"]);
        called.Should().OnlyContain(target => defined.Contains(target), $"build.cake defines {string.Join(", ", defined)}");
    }

    [GeneratedRegex(@"Task\(""([A-Za-z]+)""\)")]
    private static partial Regex TaskDefinition();

    [GeneratedRegex(@"--target=([A-Za-z]+)")]
    private static partial Regex TargetCall();
}
