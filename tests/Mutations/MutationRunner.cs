using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Homework.Experiments;

namespace Homework.Mutations;

/// <summary>What one mutation did to the claim tests of its experiments.</summary>
/// <param name="Caught">True when at least one claim test failed on a golden mismatch.</param>
/// <param name="FailedClaims">The claims whose test failed.</param>
/// <param name="Evidence">The first failing rows of the first failed claim, as the test printed them.</param>
/// <param name="Error">Set when the copy did not build or the tests did not run: neither caught nor missed.</param>
/// <param name="FailedUnitTests">
/// When the claims miss the defect: the unit tests (<c>tests/Unit</c>, the other half of
/// <c>dotnet test</c>) that fail on the mutated copy, so the table says whether <c>dotnet test</c>
/// as a whole still sees it. Null when they were not run (the claims caught it, or the copy failed).
/// </param>
public sealed record MutationOutcome(
    Mutation Mutation, bool Caught, int Tests, IReadOnlyList<string> FailedClaims, IReadOnlyList<string> Evidence, double Seconds,
    string? Error = null, IReadOnlyList<string>? FailedUnitTests = null);

/// <summary>
/// Runs a mutation: copies the repository's sources to a scratch folder, applies the edit,
/// builds the reproduction tests and runs those of the mutation's experiments at the quick
/// profile with <c>HOMEWORK_GOLDEN_REGIME=portable</c> and <c>CI=true</c> (so no golden file
/// of the copy is ever written), then reads the trx results. When no claim test fails, it also
/// runs the unit tests of the copy, to say whether the rest of <c>dotnet test</c> sees the defect
/// (for the control too: what fails there is the baseline, not a catch).
/// </summary>
public sealed partial class MutationRunner(string root, string scratch, Action<string> log)
{
    /// <summary>
    /// The files git tracks under <paramref name="root"/> (what a fresh clone holds, which is what
    /// the unit tests read: the README, the reference figures, the CI script), or null outside a
    /// git checkout.
    /// </summary>
    private static List<string>? TrackedFiles(string root)
    {
        try
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { "ls-files", "-z" }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start);
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries)] : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Without git: everything the build and the reproduction tests need, and nothing they write.</summary>
    private static readonly string[] Sources =
        ["src", "tests", "build", ".config", "Homework.sln", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json"];

    private static readonly string[] Skipped = ["bin", "obj", "TestResults"];

    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    /// <summary>Applies <paramref name="mutation"/> to <paramref name="text"/>; the text to find must occur exactly once.</summary>
    public static string Apply(Mutation mutation, string text)
    {
        int count = Regex.Matches(text, Regex.Escape(mutation.Find)).Count;
        return count == 1
            ? text.Replace(mutation.Find, mutation.Replace, StringComparison.Ordinal)
            : throw new InvalidOperationException(
                $"Mutation {mutation.Name} no longer applies: its text occurs {count} times in {mutation.File} (it must occur once). " +
                "Update the mutation in tests/Mutations/Mutation.cs to the current code.");
    }

    /// <summary>The claim tests of some experiments, as a <c>dotnet test --filter</c> expression over their <c>experiment</c> trait.</summary>
    public static string Filter(IEnumerable<string> experiments) =>
        string.Join("|", experiments.Select(e => $"experiment={Catalog.Find(e).Name}"));

    /// <summary>The unmutated sources, to show that the portable comparison passes without a defect (no false alarm).</summary>
    public MutationOutcome Control(IReadOnlyList<string> experiments) =>
        Run(new Mutation("none (control)", "no change: the same sources in the portable regime", experiments, "", "", ""));

    public MutationOutcome Run(Mutation mutation)
    {
        var clock = Stopwatch.StartNew();
        string copy = Path.Combine(scratch, mutation.Name.Split(' ')[0]);
        try
        {
            if (Directory.Exists(copy)) Directory.Delete(copy, recursive: true);
            if (TrackedFiles(root) is { } tracked)
                foreach (string file in tracked)
                    CopyFile(Path.Combine(root, file), Path.Combine(copy, file));
            else
                foreach (string source in Sources)
                    CopyEntry(Path.Combine(root, source), Path.Combine(copy, source));
            if (mutation.File.Length > 0)
            {
                string file = Path.Combine(copy, mutation.File);
                File.WriteAllText(file, Apply(mutation, File.ReadAllText(file)));
            }

            log($"{mutation.Name}: building the mutated copy");
            var build = Dotnet(copy, new Dictionary<string, string?>(), "build", "tests/Reproduction", "-c", "Debug", "--nologo", "-v", "q");
            if (build.ExitCode != 0)
                return new MutationOutcome(mutation, false, 0, [], [], clock.Elapsed.TotalSeconds, $"the mutated copy did not build: {Tail(build.Output)}");

            log($"{mutation.Name}: reproducing the claims of {string.Join(", ", mutation.Experiments)} in the portable regime");
            string results = Path.Combine(copy, "test-results");
            var environment = new Dictionary<string, string?>
            {
                ["HOMEWORK_GOLDEN_REGIME"] = "portable",
                ["HOMEWORK_PROFILE"] = "quick",
                ["HOMEWORK_ARTIFACTS"] = Path.Combine(copy, "artifacts"),
                ["CI"] = "true",
            };
            var test = Dotnet(copy, environment, "test", "tests/Reproduction", "--no-build", "-c", "Debug", "--nologo",
                "--filter", Filter(mutation.Experiments), "--logger", "trx;LogFileName=results.trx", "--results-directory", results);
            string trx = Path.Combine(results, "results.trx");
            if (!File.Exists(trx))
                return new MutationOutcome(mutation, false, 0, [], [], clock.Elapsed.TotalSeconds, $"the tests did not run: {Tail(test.Output)}");
            var outcome = Read(mutation, trx, clock.Elapsed.TotalSeconds);
            if (outcome.Caught || outcome.Error is not null)
                return outcome;

            log(mutation.File.Length == 0
                ? $"{mutation.Name}: running the unit tests of the copy (the baseline for the defects the claims miss)"
                : $"{mutation.Name}: no claim test failed; running the unit tests of the mutated copy");
            string unitResults = Path.Combine(copy, "unit-results");
            // Not MutationSuiteTests: it checks that each mutation's text is in the sources, which a mutated copy never has.
            var unit = Dotnet(copy, new Dictionary<string, string?> { ["CI"] = "true" }, "test", "tests/Unit", "-c", "Debug", "--nologo",
                "--filter", "FullyQualifiedName!~MutationSuiteTests", "--logger", "trx;LogFileName=unit.trx", "--results-directory", unitResults);
            string unitTrx = Path.Combine(unitResults, "unit.trx");
            return File.Exists(unitTrx)
                ? outcome with { FailedUnitTests = FailedTests(unitTrx), Seconds = clock.Elapsed.TotalSeconds }
                : outcome with { Error = $"the unit tests did not run: {Tail(unit.Output)}", Seconds = clock.Elapsed.TotalSeconds };
        }
        catch (InvalidOperationException e)
        {
            return new MutationOutcome(mutation, false, 0, [], [], clock.Elapsed.TotalSeconds, e.Message);
        }
        finally
        {
            if (Directory.Exists(copy)) Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>Failed claim tests and their golden tables from a trx file.</summary>
    private static MutationOutcome Read(Mutation mutation, string trx, double seconds)
    {
        var results = XDocument.Load(trx).Descendants(Trx + "UnitTestResult").ToList();
        var failed = results.Where(r => (string?)r.Attribute("outcome") == "Failed")
            .Select(r => r.Descendants(Trx + "Message").FirstOrDefault()?.Value ?? "")
            .ToList();
        var claims = failed.Select(m => ClaimInMessage().Match(m)).Where(m => m.Success).Select(m => m.Groups["claim"].Value).Distinct().Order(StringComparer.Ordinal).ToList();
        var evidence = failed.FirstOrDefault(m => ClaimInMessage().IsMatch(m)) is { } first
            ? first.Split('\n').Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| metric ", StringComparison.Ordinal)).Take(3).ToList()
            : [];
        string? error = failed.Count > claims.Count ? $"{failed.Count - claims.Count} test(s) failed without a golden table (a crash or an error): {Tail(failed.First(m => !ClaimInMessage().IsMatch(m)))}" : null;
        return new MutationOutcome(mutation, claims.Count > 0, results.Count, claims, evidence, seconds, error);
    }

    /// <summary>The names of the failed tests of a trx file.</summary>
    private static List<string> FailedTests(string trx)
    {
        return XDocument.Load(trx).Descendants(Trx + "UnitTestResult")
            .Where(r => (string?)r.Attribute("outcome") == "Failed")
            .Select(r => (string?)r.Attribute("testName") ?? "")
            .Order(StringComparer.Ordinal).ToList();
    }

    private static void CopyFile(string from, string to)
    {
        if (!File.Exists(from) || from.EndsWith(".received.json", StringComparison.Ordinal)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }

    private static void CopyEntry(string from, string to)
    {
        if (File.Exists(from))
        {
            CopyFile(from, to);
            return;
        }
        if (!Directory.Exists(from)) return;
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
            if (!file.EndsWith(".received.json", StringComparison.Ordinal))
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string dir in Directory.EnumerateDirectories(from))
            if (!Skipped.Contains(Path.GetFileName(dir)))
                CopyEntry(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private static (int ExitCode, string Output) Dotnet(string directory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.GetAwaiter().GetResult());
    }

    private static string Tail(string text) =>
        string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));

    [GeneratedRegex(@"Claim (?<claim>\S+) \(\w+ profile\) does not match")]
    private static partial Regex ClaimInMessage();
}
