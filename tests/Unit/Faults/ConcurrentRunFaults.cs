using System.Text.Json;

namespace Homework.Tests.Unit.Faults;

/// <summary>
/// Issue 14, case 2: "Overlapping runs lose results silently. A preset run and an
/// `--set epochs=29` run of the same experiment at the same time both print "saved"; the last
/// writer wins (3 of 3 tries lost the other result). No lock, no warning."
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class ConcurrentRunFaults : IDisposable
{
    private const string Experiment = "gradient-norm"; // about 5-10 s at the quick preset: long enough to overlap, no MNIST
    private readonly CliSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public void A_second_run_of_the_same_config_is_refused_naming_the_first_and_another_config_is_kept_beside_it()
    {
        using var first = sandbox.Start(["run", Experiment, "--no-figures"]);
        first.WaitFor("started", TimeSpan.FromMinutes(2)).Should().BeTrue($"the first run starts training: {first.Output}");

        var same = sandbox.Run("run", Experiment, "--no-figures");
        var other = sandbox.Run("run", Experiment, "--no-figures", "--set", "epochs=29");
        int firstExit = first.WaitForExit(TimeSpan.FromMinutes(5));

        same.Exit.Should().Be(2, $"a second run of one config is refused: {same}");
        same.Output.Should().Contain($"is being written by process {first.Process.Id}");
        other.Exit.Should().Be(0, other.ToString());
        firstExit.Should().Be(0, first.Output);
        EpochsSavedIn(sandbox.PresetRun(Experiment)).Should().Be(5000, "the preset's run is whole and the preset's");
        var runs = Directory.EnumerateFiles(Path.Combine(sandbox.Runs, Experiment), "config.json", SearchOption.AllDirectories).ToList();
        runs.Select(f => EpochsSavedIn(Path.GetDirectoryName(f)!)).Should().BeEquivalentTo([5000, 29], "both results are kept");
        CliSandbox.FilesUnder(Path.Combine(sandbox.Runs, Experiment)).Should().NotContain(f => f.Contains(".lock") || f.Contains(".tmp-"), "locks and temporaries are gone");
    }

    /// <summary>The epochs of a saved run, from its config and, to catch a mix of two runs, from its result.</summary>
    private static int EpochsSavedIn(string folder)
    {
        int config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json"))).RootElement.GetProperty("epochs").GetInt32();
        int result = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json"))).RootElement.GetProperty("config").GetProperty("epochs").GetInt32();
        result.Should().Be(config, $"{folder} holds one run, not two");
        return config;
    }
}
