using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homework.Tests.Unit.Faults;

/// <summary>
/// Issue 14, case 1: "Override runs overwrite the canonical results, and the damage reaches the
/// golden files. `run &lt;experiment&gt; --set ...` saves into the same
/// `artifacts/runs/&lt;experiment&gt;/&lt;profile&gt;/` as a preset run, silently. [...] after that
/// `check`, `figures` and `report` crashed with stack traces, `check` wrote received files for
/// the empty result, and `accept` turned them into verified golden files."
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class OverrideRunFaults : IDisposable
{
    private const string Experiment = "optimization-paths"; // the quick preset trains in a few seconds, without MNIST
    private readonly CliSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public void An_override_run_is_saved_beside_the_preset_run_and_leaves_it_byte_for_byte()
    {
        sandbox.Run("run", Experiment, "--no-figures").Exit.Should().Be(0);
        var preset = CliSandbox.Snapshot(sandbox.PresetRun(Experiment));

        var run = sandbox.Run("run", Experiment, "--no-figures", "--set", "epochs=3");

        run.Exit.Should().Be(0, run.ToString());
        CliSandbox.Snapshot(sandbox.PresetRun(Experiment)).Should().BeEquivalentTo(preset, "the preset's run is not the override run's to replace");
        string overrideRun = RunFolderWithEpochs(3);
        overrideRun.Should().NotStartWith(sandbox.PresetRun(Experiment));
        run.Output.Should().Contain(overrideRun, "the run says where it saved");
    }

    [Fact]
    public void Check_figures_and_report_refuse_a_preset_folder_that_holds_another_config_and_write_nothing()
    {
        // What the harness before issue 14 left behind: an override run in the preset's folder.
        sandbox.Run("run", Experiment, "--no-figures", "--set", "epochs=3").Exit.Should().Be(0);
        string run = RunFolderWithEpochs(3);
        if (run != sandbox.PresetRun(Experiment))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(sandbox.PresetRun(Experiment))!);
            Directory.Move(run, sandbox.PresetRun(Experiment));
        }
        var golden = CliSandbox.Snapshot(sandbox.GoldenRoot);

        foreach (string command in new[] { "check", "figures", "report" })
        {
            var result = sandbox.Run(command);
            result.Exit.Should().Be(2, $"{command} refuses the folder: {result}");
            result.Output.Should().Contain($"holds a run whose config is not the quick preset of {Experiment}").And.Contain("epochs 3 (preset: 30)")
                .And.NotContain("   at ", "one line, not a stack trace");
        }

        CliSandbox.Snapshot(sandbox.GoldenRoot).Should().BeEquivalentTo(golden, "no received (or verified) file was written");
        File.Exists(Path.Combine(sandbox.Artifacts, "report.md")).Should().BeFalse();
        CliSandbox.FilesUnder(Path.Combine(sandbox.Artifacts, "figures")).Should().BeEmpty();
    }

    [Fact]
    public void An_empty_seed_list_is_refused_before_it_can_replace_anything()
    {
        sandbox.Run("run", Experiment, "--no-figures").Exit.Should().Be(0);
        var preset = CliSandbox.Snapshot(sandbox.PresetRun(Experiment));

        var run = sandbox.Run("run", Experiment, "--set", "seeds=[]");

        run.Exit.Should().Be(2, run.ToString());
        CliSandbox.Snapshot(sandbox.PresetRun(Experiment)).Should().BeEquivalentTo(preset);
        CliSandbox.FilesUnder(sandbox.Runs).Should().HaveCount(preset.Count, "nothing else was saved");
    }

    [Fact]
    public void Accept_refuses_the_received_files_of_a_run_without_seeds_and_changes_no_golden_file()
    {
        // What `check` wrote for the empty result before issue 14: not reproduced, 0 of 0 seeds.
        string verified = Path.Combine(sandbox.GoldenRoot, "quick", "1-2", "paths", "gradual-optimization.verified.json");
        var record = JsonNode.Parse(File.ReadAllText(verified))!.AsObject();
        record["verdict"] = "not-reproduced";
        record["holds"] = 0;
        record["seeds"] = 0;
        record["metrics"] = new JsonObject();
        File.WriteAllText(verified.Replace(".verified.json", ".received.json"), record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var golden = CliSandbox.Snapshot(sandbox.GoldenRoot);

        var accept = sandbox.Run("accept");

        accept.Exit.Should().Be(2, accept.ToString());
        accept.Output.Should().Contain("Accepted nothing").And.Contain("gradual-optimization.received.json");
        CliSandbox.Snapshot(sandbox.GoldenRoot).Should().BeEquivalentTo(golden, "the verified file is untouched and the received one still waits for review");
    }

    /// <summary>The run folder (under runs/) whose config.json trains <paramref name="epochs"/> epochs.</summary>
    private string RunFolderWithEpochs(int epochs)
    {
        var folders = Directory.EnumerateFiles(Path.Combine(sandbox.Runs, Experiment), "config.json", SearchOption.AllDirectories)
            .Where(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("epochs").GetInt32() == epochs)
            .Select(Path.GetDirectoryName)
            .ToList();
        folders.Should().ContainSingle($"one saved run trains {epochs} epochs");
        return folders[0]!;
    }
}
