using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Core;

/// <summary>
/// A run's files are saved as one unit: "write a folder, then rename it" (issue 14). Readers,
/// failures and crashes see the old run or the new one, never a mix, and nothing stays beside it.
/// </summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Run => dir.File("quick");

    private static (string, string)[] Files(string tag) => [("config.json", $"config {tag}\n"), ("run.json", $"run {tag}\n"), ("result.json", $"result {tag}\n")];

    private string[] Read() => new[] { "config.json", "run.json", "result.json" }.Select(f => File.ReadAllText(Path.Combine(Run, f))).ToArray();

    private IEnumerable<string> Beside() => Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Where(n => n != "quick")!;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_save_replaces_the_whole_folder_and_leaves_nothing_beside_it(bool exchange)
    {
        RunFolder.UseExchange = exchange;
        RunFolder.Replace(Run, Files("old"));
        File.WriteAllText(Path.Combine(Run, "result.json.tmp-1-stale"), "left by an older harness");

        RunFolder.Replace(Run, Files("new"));

        Read().Should().Equal("config new\n", "run new\n", "result new\n");
        Directory.GetFiles(Run).Select(Path.GetFileName).Should().BeEquivalentTo(["config.json", "run.json", "result.json"], "the stray file went with the old folder");
        Beside().Should().BeEmpty();
    }

    [Theory]
    [InlineData(true, "written")]
    [InlineData(false, "written")]
    [InlineData(false, "moved-old-away")]
    public void A_failure_during_the_save_keeps_the_old_run_whole_and_removes_the_temporary(bool exchange, string step)
    {
        RunFolder.UseExchange = exchange;
        RunFolder.Replace(Run, Files("old"));
        RunFolder.Step = s => { if (s == step) throw new IOException($"disk full at {s}"); };

        FluentActions.Invoking(() => RunFolder.Replace(Run, Files("new"))).Should().Throw<IOException>();

        Read().Should().Equal("config old\n", "run old\n", "result old\n");
        Beside().Should().BeEmpty();
    }

    [Fact]
    public void Clean_up_deletes_temporaries_and_puts_back_an_old_run_that_a_crash_left_between_the_two_renames()
    {
        RunFolder.Replace(Run, Files("old"));
        Directory.Move(Run, dir.File(".quick.old-4242-0123"));                  // the crash: old moved away ...
        Directory.CreateDirectory(dir.File(".quick.tmp-4242-4567"));            // ... new never moved in
        File.WriteAllText(dir.File(".quick.tmp-4242-4567/config.json"), "half");

        RunFolder.CleanUp(Run);

        Read().Should().Equal("config old\n", "run old\n", "result old\n");
        Beside().Should().BeEmpty();
    }

    [Fact]
    public void Clean_up_deletes_an_old_run_when_the_new_one_is_in_place()
    {
        RunFolder.Replace(Run, Files("new"));
        Directory.CreateDirectory(dir.File(".quick.old-4242-0123"));

        RunFolder.CleanUp(Run);

        Read()[0].Should().Be("config new\n");
        Beside().Should().BeEmpty();
    }

    [Fact]
    public void Debris_of_every_folder_is_removed_except_where_a_save_is_under_way()
    {
        Directory.CreateDirectory(dir.File(".quick-0123456789ab.tmp-4242-aa"));   // a config never run again
        Directory.CreateDirectory(dir.File(".full.old-4242-bb"));                  // a crash between the renames, no full/ left
        Directory.CreateDirectory(dir.File(".quick.tmp-4243-cc"));                 // a save in progress
        using var saving = RunFolder.Lock(Run, "saving right now");

        RunFolder.CleanUpAllIn(dir.Path);

        Beside().Should().BeEquivalentTo(["full", ".quick.tmp-4243-cc", ".quick.lock"], "the old full run is back, the idle debris gone, the live save untouched");
    }

    [Fact]
    public void The_lock_of_a_folder_refuses_a_second_holder_and_names_the_first()
    {
        using var first = RunFolder.Lock(Run, "running a test");

        FluentActions.Invoking(() => RunFolder.Lock(Run, "running it again"))
            .Should().Throw<HomeworkException>()
            .WithMessage($"{Run} is being written by process {Environment.ProcessId} (*), started *, running a test. Wait for it to finish (or stop it: kill {Environment.ProcessId}), then run again.");
    }
}
