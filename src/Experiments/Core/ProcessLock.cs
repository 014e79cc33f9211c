using System.Diagnostics;
using System.Text.Json;

namespace Homework.Experiments.Core;

/// <summary>The process that holds a <see cref="ProcessLock"/>, as its lock file names it.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="Started">When that process started (UTC): with the id, it tells the holder from a later process that reused the id.</param>
/// <param name="Host">Machine name: a process on another machine (a shared folder) cannot be checked.</param>
/// <param name="Command">The holder's command line, for the message.</param>
/// <param name="Purpose">What it is doing, e.g. <c>running parameter-count (quick preset)</c>.</param>
/// <param name="Token">Unique per acquisition, so that a stale lock is removed only if it is still the one judged stale.</param>
public sealed record LockHolder(int Pid, DateTimeOffset Started, string Host, string Command, string Purpose, string Token)
{
    /// <summary>
    /// True while the holder runs: same machine, a process with its id exists and started when the
    /// lock says (a later process that got the same id is not the holder). A holder on another
    /// machine counts as alive, because nothing here can tell.
    /// </summary>
    public bool IsAlive()
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.Ordinal)) return true;
        try
        {
            using var process = Process.GetProcessById(Pid);
            if (process.HasExited) return false;
            return Math.Abs((process.StartTime.ToUniversalTime() - Started.UtcDateTime).TotalSeconds) < 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>"process 4242 (homework run parameter-count), started 12:03:11 UTC, running parameter-count (quick preset)".</summary>
    public string Describe() =>
        $"process {Pid} ({Command}), started {Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC{(Host == Environment.MachineName ? "" : $" on {Host}")}, {Purpose}";
}

/// <summary>
/// A lock that one process holds at a time: a lock file created exclusively (O_EXCL), which
/// names its holder and is deleted when the lock is released. A holder killed with SIGKILL
/// leaves the file behind; the next process finds its holder dead (no such process, or one
/// that started at another time) and takes the lock over, so a crash never blocks later runs.
/// </summary>
/// <remarks>
/// Why not an OS lock (flock) alone: a waiting process must be able to say who holds the lock,
/// and .NET's own advisory locking on Unix keeps other processes from reading a file opened
/// with <see cref="FileShare.None"/>. A stale lock is removed only after re-reading it and
/// finding the same holder token, so two processes that both find a stale lock do not remove
/// each other's fresh one (only one that re-reads in the microseconds between another's
/// delete and create could; then two runs of one config proceed, which loses nothing because
/// each saves its whole run folder atomically and both compute the same result).
/// </remarks>
public sealed class ProcessLock : IDisposable
{
    private readonly FileStream stream;

    private ProcessLock(string path, FileStream stream, LockHolder holder)
    {
        Path = path;
        this.stream = stream;
        Holder = holder;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>This process, as written into the lock file.</summary>
    public LockHolder Holder { get; }

    /// <summary>Takes the lock, or returns null and the live holder when another process has it.</summary>
    public static ProcessLock? TryAcquire(string path, string purpose, out LockHolder? holder)
    {
        path = System.IO.Path.GetFullPath(path);
        for (int attempt = 0; ; attempt++)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            FileStream? stream = null;
            try
            {
                // FileShare.Read lets a waiting process read who holds the lock; DeleteOnClose
                // removes the file when the lock is released, also when an exception unwinds.
                stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 4096, FileOptions.DeleteOnClose);
                var me = Current(purpose);
                stream.Write(JsonSerializer.SerializeToUtf8Bytes(me, Json.Options));
                stream.Flush(flushToDisk: true);
                holder = null;
                return new ProcessLock(path, stream, me);
            }
            catch (IOException) when (File.Exists(path) && attempt < 200)
            {
                stream?.Dispose();
                var found = Read(path);
                if (found is null)
                {
                    // Just created and not written yet, or left empty by a crash right after creating it.
                    if (File.Exists(path) && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > TimeSpan.FromSeconds(10))
                        RemoveIfStill(path, null);
                    Thread.Sleep(20);
                    continue;
                }
                if (found.IsAlive())
                {
                    holder = found;
                    return null;
                }
                RemoveIfStill(path, found);
            }
        }
    }

    /// <summary>
    /// Takes the lock, waiting up to <paramref name="wait"/> for a live holder to release it;
    /// <paramref name="waiting"/> hears once who is waited for. Throws a <see cref="HomeworkException"/>
    /// naming the holder when the time is up.
    /// </summary>
    public static ProcessLock Acquire(string path, string purpose, TimeSpan wait, Action<LockHolder>? waiting = null, CancellationToken cancellation = default)
    {
        var deadline = DateTime.UtcNow + wait;
        bool told = false;
        while (true)
        {
            if (TryAcquire(path, purpose, out var holder) is { } acquired) return acquired;
            if (DateTime.UtcNow >= deadline)
                throw new HomeworkException(
                    $"{path} is held by {holder!.Describe()}. Wait for it to finish or stop it (kill {holder.Pid}), then run again.");
            if (!told)
            {
                waiting?.Invoke(holder!);
                told = true;
            }
            cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200));
            cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The holder a lock file names, or null when it cannot be read (being written, or gone).</summary>
    public static LockHolder? Read(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(file);
            string text = reader.ReadToEnd();
            return text.Length == 0 ? null : JsonSerializer.Deserialize<LockHolder>(text, Json.Options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Releases the lock and deletes its file.</summary>
    public void Dispose() => stream.Dispose();

    private static LockHolder Current(string purpose)
    {
        using var me = Process.GetCurrentProcess();
        string[] args = Environment.GetCommandLineArgs();
        string command = string.Join(' ', args.Take(8).Select((arg, i) => i == 0 ? System.IO.Path.GetFileNameWithoutExtension(arg) : arg));
        return new LockHolder(Environment.ProcessId, new DateTimeOffset(me.StartTime.ToUniversalTime()), Environment.MachineName,
            command, purpose, Guid.NewGuid().ToString("N"));
    }

    /// <summary>Deletes a stale lock file, unless another process replaced it since it was judged stale.</summary>
    private static void RemoveIfStill(string path, LockHolder? judged)
    {
        var now = Read(path);
        if (now?.Token != judged?.Token) return;
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
