using System.Diagnostics;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Unit.Golden;

/// <summary>
/// A throwaway git repository with golden files under tests/Reproduction/Golden, so the diff
/// tests never depend on this repository's history. Git runs without the user's global and
/// system configuration (no signing hooks, no default branch surprises).
/// </summary>
internal sealed class GoldenSandbox : IDisposable
{
    private readonly TempDirectory dir = new();

    public GoldenSandbox(bool init = true)
    {
        if (!init) return;
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "tests@example.invalid");
        Git("config", "user.name", "Unit tests");
    }

    public string Root => dir.Path;

    /// <summary><see cref="Records.Sample"/> as claim <c>1-1/test/&lt;name&gt;</c>.</summary>
    public static GoldenRecord Claim(string name, Action<SortedDictionary<string, MetricValue>>? edit = null, Verdict verdict = Verdict.Reproduced, int holds = 2) =>
        Records.Sample(edit, verdict, holds) with { Claim = $"1-1/test/{name}" };

    public string Verified(string profile, string claim) => Store(profile).VerifiedPath(claim);

    public string Received(string profile, string claim) => Store(profile).ReceivedPath(claim);

    public void Write(GoldenRecord record, string profile = "quick") => Json.Write(Verified(profile, record.Claim), record);

    public void Delete(string claim, string profile = "quick") => File.Delete(Verified(profile, claim));

    /// <summary>Commits everything and returns the commit's id.</summary>
    public string Commit(string message = "golden files")
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["GIT_CONFIG_GLOBAL"] = Path.Combine(Root, ".no-global-gitconfig");
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {error.Result}");
        return output;
    }

    public void Dispose() => dir.Dispose();

    private GoldenStore Store(string profile) => new(Path.Combine(Root, ProjectPaths.GoldenFolder, profile));
}
