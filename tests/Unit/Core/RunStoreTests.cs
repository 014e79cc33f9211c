using Homework.Experiments.Core;
using Homework.Experiments.Runs;

namespace Homework.Tests.Unit.Core;

/// <summary>Saving and reading runs: a cancelled run saves nothing, and only a preset's whole run is read.</summary>
public sealed class RunStoreTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly ProjectPaths paths;

    public RunStoreTests() => paths = new ProjectPaths(dir.Path, dir.File("artifacts"), dir.File("data"));

    public void Dispose() => dir.Dispose();

    private static FunctionFittingConfig Tiny => FunctionFittingConfig.Quick with { Epochs = 3, Points = 10, Seeds = [0], Functions = [TargetFunction.Sinc] };

    [Fact]
    public void A_cancelled_run_stops_and_saves_nothing()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel(); // as SIGTERM or Ctrl+C does, through the command's token

        FluentActions.Invoking(() => RunStore.RunAndSave(FunctionFitting.Experiment, Tiny, Profile.Quick, new RunContext { Jobs = 1, Cancellation = cancellation.Token }, paths))
            .Should().Throw<OperationCanceledException>();

        Directory.Exists(paths.Runs).Should().BeTrue("the lock's folder was made");
        Directory.EnumerateFileSystemEntries(paths.Runs, "*", SearchOption.AllDirectories).Where(File.Exists).Should().BeEmpty("no file: no result, no lock");
    }

    [Fact]
    public void An_override_run_records_its_overrides_and_a_preset_run_reads_as_none()
    {
        var saved = RunStore.RunAndSave(FunctionFitting.Experiment, Tiny, Profile.Quick, new RunContext { Jobs = 1 }, paths, ["epochs=3", "points=10"]);

        saved.IsPreset.Should().BeFalse();
        saved.Info.Overrides.Should().Equal("epochs=3", "points=10");
        File.ReadAllText(Path.Combine(saved.Directory, RunStore.InfoFile)).Should().Contain("\"overrides\": [");
        RunStore.LoadPreset(FunctionFitting.Experiment, Profile.Quick, paths).Should().BeNull("the preset has not been run");
        Json.Serialize(saved.Info with { Overrides = null }).Should().NotContain("overrides", "a preset run's run.json reads as before");
    }

    [Fact]
    public void A_preset_folder_with_a_missing_file_is_refused_with_how_to_replace_it()
    {
        string folder = paths.RunDirectory(FunctionFitting.Name, Profile.Quick);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, RunStore.ConfigFile), Json.Serialize(FunctionFittingConfig.Quick));

        FluentActions.Invoking(() => RunStore.LoadPreset(FunctionFitting.Experiment, Profile.Quick, paths))
            .Should().Throw<HomeworkException>().WithMessage($"{folder} is an incomplete run folder (run.json is missing). Run `run function-fitting --profile quick` to replace it.");
    }
}
