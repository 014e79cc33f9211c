using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

/// <summary>A commit to compare with, and how to name it in a heading ("v1 (1a2b3c4d5e6f)").</summary>
public sealed record GitRevision(string Name, string Commit)
{
    public override string ToString() => $"{Name} ({Commit[..Math.Min(12, Commit.Length)]})";
}

/// <summary>
/// Reads the files of past revisions through the <c>git</c> command line, which every clone
/// already has, instead of a git library. Each call starts git with an argument list, never
/// a shell, so revision names cannot inject commands; paths are relative to the folder the
/// repository was opened at, which may lie below the checkout's top level.
/// </summary>
public sealed class GitRepository
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string directory;
    private readonly string prefix;

    private GitRepository(string directory, string prefix)
    {
        this.directory = directory;
        this.prefix = prefix;
    }

    /// <summary>The checkout that contains <paramref name="directory"/>; an error says so when there is none.</summary>
    public static GitRepository Open(string directory)
    {
        var result = Run(directory, "rev-parse", "--show-prefix");
        if (result.ExitCode != 0)
            throw new HomeworkException(
                $"{directory} is not inside a git checkout ({result.Problem}), so there is no revision to compare the golden files with. " +
                "Run this in a clone of the repository, or compare the received files with their verified ones using --received.");
        return new GitRepository(directory, result.Output.Trim());
    }

    /// <summary>The commit <paramref name="revision"/> names (a branch, tag, commit or expression such as HEAD~1).</summary>
    public GitRevision Resolve(string revision)
    {
        var result = Run(directory, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}");
        if (result.ExitCode != 0)
            throw new HomeworkException(
                $"Unknown revision '{revision}': no commit of that name in {directory}. " +
                "Pass a branch, tag or commit that exists here (fetch it first if it is only on a remote, e.g. `git fetch origin main`).");
        return new GitRevision(revision, result.Output.Trim());
    }

    /// <summary>
    /// What a pull request is reviewed against: the merge base of HEAD with <c>main</c>, or with
    /// <c>origin/main</c> where no local main exists (a pull-request checkout on GitHub Actions),
    /// else HEAD itself.
    /// </summary>
    public GitRevision DefaultBase()
    {
        foreach (string main in new[] { "main", "origin/main" })
        {
            var result = Run(directory, "merge-base", "HEAD", main);
            if (result.ExitCode == 0)
                return new GitRevision($"the merge base with {main}", result.Output.Trim());
        }
        return Resolve("HEAD");
    }

    /// <summary>Paths of the files under <paramref name="folder"/> at <paramref name="revision"/>, relative to this repository's folder.</summary>
    public IReadOnlyList<string> ListFiles(GitRevision revision, string folder)
    {
        var result = Run(directory, "ls-tree", "-r", "--name-only", "-z", "--full-tree", revision.Commit, "--", prefix + folder);
        if (result.ExitCode != 0)
            throw new HomeworkException($"git could not list {folder} at {revision} ({result.Problem}).");
        return result.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(path => path[prefix.Length..]).ToList();
    }

    /// <summary>The content of <paramref name="path"/> at <paramref name="revision"/> (<c>git show &lt;rev&gt;:&lt;path&gt;</c>).</summary>
    public string Show(GitRevision revision, string path)
    {
        var result = Run(directory, "show", $"{revision.Commit}:{prefix}{path}");
        if (result.ExitCode != 0)
            throw new HomeworkException($"git could not read {path} at {revision} ({result.Problem}).");
        return result.Output;
    }

    /// <summary>
    /// The commit checked out at <paramref name="directory"/> and whether the working tree
    /// differs from it (a changed, staged, deleted or untracked file that git does not ignore),
    /// or null when that cannot be told: no checkout, no commit yet, or no git. Never throws,
    /// because the callers record provenance and must not fail for want of it. Runs git with
    /// <c>--no-optional-locks</c>, so it never takes the index lock from a git command running
    /// at the same time.
    /// </summary>
    public static (string Commit, bool Dirty)? Head(string directory)
    {
        try
        {
            var head = Run(directory, "--no-optional-locks", "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
            if (head.ExitCode != 0) return null;
            var status = Run(directory, "--no-optional-locks", "status", "--porcelain");
            return status.ExitCode == 0 ? (head.Output.Trim(), status.Output.Length > 0) : null;
        }
        catch (Exception e) when (e is HomeworkException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>git's first line of complaint, for messages.</summary>
        public string Problem => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {ExitCode}";
    }

    private static Result Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new HomeworkException("git did not start.");
        }
        catch (Win32Exception e)
        {
            throw new HomeworkException(
                $"Could not run git in {workingDirectory} ({e.Message}). Install git and put it on PATH, or compare the received files with --received.", e);
        }

        using (process)
        {
            // Read both streams at once: a full stderr pipe would otherwise block git forever.
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new Result(process.ExitCode, output, error.GetAwaiter().GetResult());
        }
    }
}
