using System.Diagnostics;

namespace Homework.Tests.Unit.Faults;

/// <summary>
/// Issue 14, case 6: "Killing `dotnet run` leaves the worker running; it saves results 12 s later."
/// `dotnet run` starts the harness as its child; here <c>bash</c> plays that wrapper (with
/// <c>HOMEWORK_STOP_WITH_PARENT=1</c>, the switch the harness sets itself when its parent is
/// <c>dotnet</c>), and is killed with SIGKILL while the harness trains.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class KilledWrapperFaults : IDisposable
{
    private const string Experiment = "gradient-norm";
    private readonly CliSandbox sandbox = new(golden: false);

    public void Dispose() => sandbox.Dispose();

    [SkippableFact]
    public void When_the_wrapper_is_killed_the_worker_stops_within_seconds_and_saves_nothing()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the parent-death signal is Linux's");
        sandbox.Environment["HOMEWORK_STOP_WITH_PARENT"] = "1";
        using var wrapper = sandbox.Start(["run", Experiment, "--no-figures", "--set", "epochs=50000"], throughBash: true);
        wrapper.WaitFor("started", TimeSpan.FromMinutes(2)).Should().BeTrue($"the worker trains: {wrapper.Output}");
        int worker = int.Parse(wrapper.Output.Split('\n').Single(l => l.StartsWith("child ", StringComparison.Ordinal))["child ".Length..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);

        wrapper.Process.Kill(entireProcessTree: false); // SIGKILL to the wrapper only, as `kill -9 <dotnet run>` does
        var clock = Stopwatch.StartNew();
        bool stopped = WaitUntilGone(worker, TimeSpan.FromSeconds(30));
        if (!stopped)
            using (var stray = Process.GetProcessById(worker))
                stray.Kill(); // never leave the worker behind, whatever the assertions say

        stopped.Should().BeTrue($"the worker stops when its wrapper dies (waited {clock.Elapsed.TotalSeconds:0} s): {wrapper.Output}");
        CliSandbox.FilesUnder(sandbox.Runs).Should().BeEmpty("the interrupted run saved nothing, and left no lock or temporary folder");
    }

    private static bool WaitUntilGone(int pid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (!Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z") return true;
            Thread.Sleep(100);
        }
        return false;
    }
}
