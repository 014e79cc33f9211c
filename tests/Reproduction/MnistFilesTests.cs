using Homework.Experiments.Core;
using Homework.Experiments.Data;

namespace Homework.Tests.Reproduction;

/// <summary>
/// The real MNIST files: what the experiments read is the official data, and a corrupted or
/// truncated copy of any of the four files is refused with a message naming the file, the
/// problem and the fix, never turned into tensors.
/// </summary>
public sealed class MnistFilesTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("homework-mnist-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_cache_holds_official_MNIST_with_its_label_counts()
    {
        var mnist = MnistData.Load(Harness.Paths.DataDirectory, NullObserver.Instance);
        mnist.Train.Count.Should().Be(60_000);
        mnist.Test.Count.Should().Be(10_000);
        // Official class counts of the test set, digits 0-9.
        mnist.Test.Targets.bincount(null, 10).data<long>().ToArray()
            .Should().Equal(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte")]
    [InlineData("train-labels-idx1-ubyte")]
    [InlineData("t10k-images-idx3-ubyte")]
    [InlineData("t10k-labels-idx1-ubyte")]
    public void A_corrupted_or_truncated_file_is_refused_by_name(string name)
    {
        MnistData.Load(Harness.Paths.DataDirectory, NullObserver.Instance); // makes sure the cache is filled
        var spec = MnistStore.Files.Single(f => f.Name == name);
        var idx = Idx.Load(Idx.Locate(Harness.Paths.DataDirectory, spec)!, spec);
        byte[] original = Idx.Encode(idx.Dimensions, idx.Data); // the raw file, whether the cache holds it raw or as .gz
        string copy = Path.Combine(folder, name);

        byte[] flipped = (byte[])original.Clone();
        flipped[^1] ^= 0x01;
        File.WriteAllBytes(copy, flipped);
        FluentActions.Invoking(() => Idx.Load(copy, spec)).Should().Throw<DataFileException>()
            .WithMessage($"{copy}: SHA-256 is *expected {spec.Sha256}*Delete the file and run again*");

        File.WriteAllBytes(copy, original[..(original.Length / 2)]);
        FluentActions.Invoking(() => Idx.Load(copy, spec)).Should().Throw<DataFileException>()
            .WithMessage($"{copy}: truncated*");
    }
}
