using System.Diagnostics;
using System.Text;
using Homework.Experiments.Cli;
using Homework.Experiments.Core;
using Spectre.Console;

namespace Homework.Tests.Unit.Faults;

/// <summary>What one command line printed (standard output and error together) and its exit code.</summary>
public sealed record CliResult(int Exit, string Output)
{
    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {Exit}:\n{Output}";
}

/// <summary>
/// A throwaway repository root for the fault tests: a <c>Homework.sln</c> marker, a copy of the
/// golden files, and empty artifacts and data folders, so the command line can be driven as a
/// user drives it (check, accept, report) without touching this repository. Commands run in
/// process through <see cref="HomeworkApp.Run(string[], System.Threading.CancellationToken)"/>
/// with the console captured, or as a child process of the built program for kills and races.
/// The root is found by <c>HOMEWORK_ROOT</c> and by the current folder, which is set to it while a
/// command runs: tests of this class run one at a time (<see cref="EnvironmentCollection"/>).
/// </summary>
public sealed class CliSandbox : IDisposable
{
    private readonly TempDirectory dir = new();

    public CliSandbox(bool golden = true)
    {
        File.WriteAllText(Path.Combine(Root, ProjectPaths.SolutionFile), "");
        Directory.CreateDirectory(Artifacts);
        Directory.CreateDirectory(Data);
        Directory.CreateDirectory(GoldenRoot);
        if (golden) CopyTree(Repository.GoldenRoot, GoldenRoot, "*.verified.json");
    }

    /// <summary>This repository (the source of the golden files copied in).</summary>
    public static ProjectPaths Repository { get; } = ProjectPaths.Discover();

    public string Root => dir.Path;

    public string Artifacts => Path.Combine(Root, "artifacts");

    public string Data => Path.Combine(Root, "data");

    public string GoldenRoot => Path.Combine(Root, ProjectPaths.GoldenFolder);

    public string Runs => Path.Combine(Artifacts, "runs");

    /// <summary>The preset run folder of an experiment, as the README documents it.</summary>
    public string PresetRun(string experiment, string profile = "quick") => Path.Combine(Runs, experiment, profile);

    /// <summary>Extra environment for the next commands (null removes a variable).</summary>
    public Dictionary<string, string?> Environment { get; } = new();

    /// <summary>Runs one command line in this process and returns its exit code and everything it printed.</summary>
    public CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var saved = (Out: Console.Out, Error: Console.Error, Ansi: AnsiConsole.Console, Cwd: Directory.GetCurrentDirectory());
        var variables = Variables().ToDictionary(v => v.Key, v => System.Environment.GetEnvironmentVariable(v.Key));
        try
        {
            foreach (var (name, value) in Variables()) System.Environment.SetEnvironmentVariable(name, value);
            Directory.SetCurrentDirectory(Root);
            var writer = TextWriter.Synchronized(output);
            Console.SetOut(writer);
            Console.SetError(writer);
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(writer),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            console.Profile.Width = 1000; // no wrapping: one logical line is one line here
            AnsiConsole.Console = console;
            int exit = HomeworkApp.Run(args);
            return new CliResult(exit, output.ToString());
        }
        finally
        {
            Console.SetOut(saved.Out);
            Console.SetError(saved.Error);
            AnsiConsole.Console = saved.Ansi;
            Directory.SetCurrentDirectory(saved.Cwd);
            foreach (var (name, value) in variables) System.Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>
    /// Starts the built program (<c>dotnet Homework.Experiments.dll</c>, from this test's output
    /// folder) in the sandbox, with its output collected; <paramref name="throughBash"/> runs it under
    /// <c>bash -c</c>, which then is its parent.
    /// </summary>
    public ChildProcess Start(string[] args, bool throughBash = false)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Homework.Experiments.dll");
        string quoted = string.Join(' ', args.Select(a => $"'{a}'"));
        var start = throughBash
            ? new ProcessStartInfo("bash") { ArgumentList = { "-c", $"dotnet '{dll}' {quoted} & echo \"child $!\"; wait" } }
            : new ProcessStartInfo("dotnet") { ArgumentList = { dll } };
        if (!throughBash)
            foreach (string arg in args) start.ArgumentList.Add(arg);
        start.WorkingDirectory = Root;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var (name, value) in Variables())
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        return new ChildProcess(Process.Start(start)!);
    }

    public void Dispose() => dir.Dispose();

    /// <summary>Every file under <paramref name="folder"/>, relative, sorted: what a test compares before and after.</summary>
    public static IReadOnlyList<string> FilesUnder(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The bytes of every file under <paramref name="folder"/>, by relative path.</summary>
    public static IReadOnlyDictionary<string, byte[]> Snapshot(string folder) =>
        FilesUnder(folder).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(folder, f)));

    private IEnumerable<KeyValuePair<string, string?>> Variables()
    {
        var all = new Dictionary<string, string?>
        {
            ["HOMEWORK_ROOT"] = Root, // (a literal: these tests also compile against the code before issue 14)
            [ProjectPaths.ArtifactsVariable] = Artifacts,
            [ProjectPaths.DataVariable] = Data,
            ["CI"] = null,
            ["HOMEWORK_PROFILE"] = null,
        };
        foreach (var (name, value) in Environment) all[name] = value;
        return all;
    }

    private static void CopyTree(string from, string to, string pattern)
    {
        foreach (string file in Directory.EnumerateFiles(from, pattern, SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>A child process of a fault test, with its output collected line by line as it comes.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder output = new();
    private readonly Task reading;

    public ChildProcess(Process process)
    {
        Process = process;
        reading = Task.WhenAll(Pump(process.StandardOutput, output), Pump(process.StandardError, output));
    }

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (output) return output.ToString();
        }
    }

    /// <summary>Waits until a line containing <paramref name="text"/> was printed; false if the process ended or the time ran out first.</summary>
    public bool WaitFor(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return true;
            if (Process.HasExited && reading.IsCompleted) return Output.Contains(text, StringComparison.Ordinal);
            Thread.Sleep(50);
        }
        return false;
    }

    /// <summary>Waits for the process to end; returns its exit code (-1 when it did not end in time).</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout)) return -1;
        reading.Wait(TimeSpan.FromSeconds(10));
        return Process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        Process.Dispose();
    }

    private static Task Pump(StreamReader reader, StringBuilder into) => Task.Run(async () =>
    {
        while (await reader.ReadLineAsync() is { } line)
            lock (into) into.AppendLine(line);
    });
}
