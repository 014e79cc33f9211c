using System.Text.Json.Nodes;

namespace Homework.Tests.Unit.Faults;

/// <summary>
/// Issue 14, case 3: "A crash while saving mixes runs. SIGKILL at the rename of `result.json`
/// left the new `config.json`/`run.json` (epochs 29) beside the old `result.json` (epochs 30),
/// and a 310 KB `result.json.tmp-*` that no later run removes."
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class CrashWhileSavingFaults : IDisposable
{
    private const string Experiment = "optimization-paths";
    private readonly CliSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public void A_SIGKILL_while_saving_leaves_the_previous_run_whole_and_the_next_command_removes_the_debris()
    {
        sandbox.Run("run", Experiment, "--no-figures").Exit.Should().Be(0);
        var before = CliSandbox.Snapshot(sandbox.PresetRun(Experiment));

        // The child kills itself (SIGKILL, no cleanup) once the new run's files are written, just before they replace the old ones.
        sandbox.Environment["HOMEWORK_CRASH_AT"] = "written";
        using (var crashing = sandbox.Start(["run", Experiment, "--no-figures"]))
            crashing.WaitForExit(TimeSpan.FromMinutes(3)).Should().Be(137, $"the child died of SIGKILL while saving: {crashing.Output}");
        sandbox.Environment.Remove("HOMEWORK_CRASH_AT");

        CliSandbox.Snapshot(sandbox.PresetRun(Experiment)).Should().BeEquivalentTo(before, "the old run is whole: its own config, record and result");
        string parent = Path.GetDirectoryName(sandbox.PresetRun(Experiment))!;
        CliSandbox.FilesUnder(parent).Should().Contain(f => f.StartsWith(".quick.tmp-", StringComparison.Ordinal), "the kill left its temporary folder");

        var check = sandbox.Run("check");

        check.Exit.Should().NotBe(2, check.ToString());
        CliSandbox.FilesUnder(parent).Should().NotContain(f => f.Contains(".tmp-") || f.Contains(".lock"), "the next command removed what the crash left");
    }

    [Fact]
    public void A_folder_that_mixes_two_runs_is_refused_and_the_next_run_replaces_it_whole()
    {
        // The state the old harness's crash left: a new config (29 epochs) beside the old result
        // (the preset's 30), a stray temporary file in the folder, and one beside it.
        sandbox.Run("run", Experiment, "--no-figures").Exit.Should().Be(0);
        string folder = sandbox.PresetRun(Experiment);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        config["epochs"] = 29;
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "result.json.tmp-4242-0123456789abcdef"), "{ half a result");
        Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(folder)!, ".quick.tmp-4242-0123456789abcdef"));

        var check = sandbox.Run("check");
        check.Exit.Should().Be(2, check.ToString());
        check.Output.Should().Contain("epochs 29 (preset: 30)").And.Contain($"run {Experiment} --profile quick");

        var run = sandbox.Run("run", Experiment, "--no-figures");

        run.Exit.Should().Be(0, run.ToString());
        CliSandbox.FilesUnder(folder).Should().BeEquivalentTo(["config.json", "result.json", "run.json"]);
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!["epochs"]!.GetValue<int>().Should().Be(30);
        CliSandbox.FilesUnder(Path.GetDirectoryName(folder)!).Should().NotContain(f => f.Contains(".tmp-"));
        sandbox.Run("check").Exit.Should().NotBe(2);
    }
}
