using System.Text;

namespace Homework.Experiments.Core;

/// <summary>
/// Saves the files of one run as a unit: they are written into a temporary sibling folder
/// (<c>.&lt;name&gt;.tmp-&lt;pid&gt;-&lt;guid&gt;</c>), which then replaces the run folder in one step, so a
/// reader, a crash or a kill leaves either the old run or the new one, never a mix of both
/// (saving file by file, a SIGKILL once left a new config beside an old result). Whoever saves
/// into a folder holds its lock (<see cref="Lock"/>) and first removes what interrupted saves
/// left behind (<see cref="CleanUp"/>).
/// </summary>
/// <remarks>
/// On Linux the replacement is one <c>renameat2(RENAME_EXCHANGE)</c>. Elsewhere (or on a file
/// system without it) the old folder is renamed to <c>.&lt;name&gt;.old-*</c> and the new one into
/// place: a crash between the two renames leaves no run folder but the complete old one under
/// <c>.old-*</c>, which <see cref="CleanUp"/> puts back.
/// </remarks>
public static class RunFolder
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Test seam: called with the name of each step of a save (<c>written</c>: every file is in
    /// the temporary folder, nothing replaced yet; <c>moved-old-away</c>: the two-rename fallback
    /// has renamed the old folder away). A test throws here to simulate a failure, or kills the
    /// process to simulate a crash. Flows with the calling test only (async-local), so tests that
    /// save in parallel never see each other's hooks.
    /// </summary>
    internal static Action<string>? Step
    {
        get => StepHook.Value;
        set => StepHook.Value = value;
    }

    /// <summary>Test seam: false forces the two-rename fallback where the atomic exchange is available (async-local too).</summary>
    internal static bool UseExchange
    {
        get => !NoExchange.Value;
        set => NoExchange.Value = !value;
    }

    private static readonly AsyncLocal<Action<string>?> StepHook = new();
    private static readonly AsyncLocal<bool> NoExchange = new();

    /// <summary>
    /// Set to a step name (see <see cref="Step"/>) in a child process to have it kill itself with
    /// SIGKILL there: how the fault tests check what a real crash at that moment leaves behind.
    /// </summary>
    public const string CrashVariable = "HOMEWORK_CRASH_AT";

    /// <summary>The lock file of <paramref name="directory"/>: <c>.&lt;name&gt;.lock</c> beside it, since the folder itself is replaced.</summary>
    public static string LockPath(string directory) => Sibling(directory, "lock");

    /// <summary>Takes the folder's lock, or throws naming the process that holds it.</summary>
    public static ProcessLock Lock(string directory, string purpose)
    {
        if (ProcessLock.TryAcquire(LockPath(directory), purpose, out var holder) is { } acquired) return acquired;
        throw new HomeworkException(
            $"{directory} is being written by {holder!.Describe()}. Wait for it to finish (or stop it: kill {holder.Pid}), then run again.");
    }

    /// <summary>
    /// Replaces <paramref name="directory"/> with a folder holding exactly <paramref name="files"/>
    /// (name, text). The caller holds the folder's lock.
    /// </summary>
    public static void Replace(string directory, IReadOnlyList<(string Name, string Text)> files)
    {
        string target = Path.GetFullPath(directory);
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string temp = Sibling(target, $"tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        string? leftover;
        try
        {
            foreach (var (name, text) in files)
                using (var stream = new FileStream(Path.Combine(temp, name), FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(Utf8NoBom.GetBytes(text));
                    stream.Flush(flushToDisk: true);
                }
            At("written");
            leftover = Swap(temp, target);
        }
        catch
        {
            DeleteTree(temp);
            throw;
        }
        if (leftover is not null) DeleteTree(leftover);
    }

    /// <summary>
    /// Removes what interrupted saves of <paramref name="directory"/> left beside it: temporary
    /// folders are deleted; an old folder is put back if the crash came between the two renames
    /// (no run folder), else deleted. Only call it holding the folder's lock: then no live
    /// process is writing any of these.
    /// </summary>
    public static void CleanUp(string directory)
    {
        string target = Path.GetFullPath(directory);
        string parent = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent)) return;
        string name = Path.GetFileName(target);
        foreach (string temp in Directory.EnumerateDirectories(parent, $".{name}.tmp-*"))
            DeleteTree(temp);
        foreach (string old in Directory.EnumerateDirectories(parent, $".{name}.old-*").Order(StringComparer.Ordinal))
        {
            if (!Directory.Exists(target))
                Directory.Move(old, target);
            else
                DeleteTree(old);
        }
    }

    /// <summary>Cleans up <paramref name="directory"/> if no other process is saving it right now (for readers).</summary>
    public static void CleanUpIfIdle(string directory)
    {
        string parent = Path.GetDirectoryName(Path.GetFullPath(directory))!;
        string name = Path.GetFileName(Path.GetFullPath(directory));
        if (!Directory.Exists(parent) || !Directory.EnumerateDirectories(parent, $".{name}.*").Any()) return;
        using var lease = ProcessLock.TryAcquire(LockPath(directory), "cleaning up an interrupted save", out _);
        if (lease is not null) CleanUp(directory);
    }

    /// <summary>
    /// Cleans up, folder by folder, what interrupted saves left in <paramref name="parent"/>
    /// (any <c>.&lt;name&gt;.tmp-*</c> or <c>.&lt;name&gt;.old-*</c>), skipping folders being saved right
    /// now: so debris of a config that is never run again does not stay forever.
    /// </summary>
    public static void CleanUpAllIn(string parent)
    {
        if (!Directory.Exists(parent)) return;
        var names = Directory.EnumerateDirectories(parent, ".*")
            .Select(Path.GetFileName)
            .Select(entry => entry!.IndexOf(".tmp-", StringComparison.Ordinal) is var t and > 1 ? entry[1..t]
                : entry.IndexOf(".old-", StringComparison.Ordinal) is var o and > 1 ? entry[1..o] : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (string name in names)
            CleanUpIfIdle(Path.Combine(parent, name));
    }

    /// <summary>Puts <paramref name="temp"/> in place of <paramref name="target"/>; returns the path that now holds the old run, if any.</summary>
    private static string? Swap(string temp, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(temp, target);
            return null;
        }
        if (UseExchange && LinuxCalls.TryExchange(temp, target))
            return temp;

        string old = Sibling(target, $"old-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.Move(target, old);
        try
        {
            At("moved-old-away");
            Directory.Move(temp, target);
        }
        catch
        {
            if (!Directory.Exists(target)) Directory.Move(old, target);
            throw;
        }
        return old;
    }

    private static void At(string step)
    {
        if (Environment.GetEnvironmentVariable(CrashVariable) == step)
        {
            using var me = System.Diagnostics.Process.GetCurrentProcess();
            me.Kill(); // SIGKILL: no finally block, no flush, as with kill -9
        }
        Step?.Invoke(step);
    }

    private static string Sibling(string directory, string suffix)
    {
        string full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{suffix}");
    }

    private static void DeleteTree(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next CleanUp; never a reason to fail a save that succeeded.
        }
    }
}
