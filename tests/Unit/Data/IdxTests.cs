using Homework.Experiments.Core;
using Homework.Experiments.Data;

namespace Homework.Tests.Unit.Data;

/// <summary>Reading IDX files: every kind of bad file is refused with a message naming the file and the fix.</summary>
public sealed class IdxTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Write(byte[] bytes, string name = "tiny-images-idx3-ubyte")
    {
        string path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void A_valid_file_decodes_to_its_dimensions_and_pixels()
    {
        var idx = Idx.Load(Write(IdxFiles.Valid), IdxFiles.Spec());
        idx.Dimensions.Should().Equal(3, 2, 2);
        idx.Data.Should().Equal(IdxFiles.Pixels);
    }

    [Fact]
    public void A_gzip_file_decodes_to_the_same_data()
    {
        string path = Write(IdxFiles.Gzip(IdxFiles.Valid), "tiny-images-idx3-ubyte.gz");
        Idx.Locate(dir.Path, IdxFiles.Spec()).Should().Be(path);
        Idx.Load(path, IdxFiles.Spec()).Data.Should().Equal(IdxFiles.Pixels);
    }

    [Fact]
    public void A_bad_magic_number_is_refused()
    {
        byte[] bytes = IdxFiles.Valid;
        bytes[2] = 0x0D; // float instead of unsigned byte
        Refused(bytes, "*not an IDX file of unsigned bytes*0x00000D03*expected 0x00000803*");
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        Refused(IdxFiles.Valid[..^3], "*truncated*");
        Refused(IdxFiles.Valid[..6], "*truncated*header*");
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        Refused([.. IdxFiles.Valid, 0], "*bytes after the data*");
    }

    [Fact]
    public void A_wrong_count_is_refused()
    {
        byte[] twoImages = Idx.Encode([2, 2, 2], IdxFiles.Pixels[..8]);
        Refused(twoImages, "*holds 2 images, expected 3*");
    }

    [Fact]
    public void Wrong_image_dimensions_are_refused()
    {
        Refused(Idx.Encode([3, 4, 1], IdxFiles.Pixels), "*dimensions 3x4x1, expected 3x2x2*");
    }

    [Fact]
    public void A_checksum_mismatch_is_refused()
    {
        byte[] bytes = IdxFiles.Valid;
        bytes[^1] ^= 0xFF; // same shape, different pixel
        Refused(bytes, "*SHA-256 is * expected *corrupt*");
    }

    [Fact]
    public void A_corrupt_gzip_file_is_refused()
    {
        byte[] gz = IdxFiles.Gzip(IdxFiles.Valid);
        gz[12] ^= 0xFF;
        gz[13] ^= 0xFF;
        string path = Write(gz, "tiny-images-idx3-ubyte.gz");
        FluentActions.Invoking(() => Idx.Load(path, IdxFiles.Spec()))
            .Should().Throw<DataFileException>().Which.FilePath.Should().Be(path);
    }

    [Fact]
    public void A_missing_file_is_refused()
    {
        FluentActions.Invoking(() => Idx.Load(dir.File("absent"), IdxFiles.Spec()))
            .Should().Throw<DataFileException>().WithMessage("*absent: file not found*");
    }

    private void Refused(byte[] bytes, string pattern)
    {
        string path = Write(bytes);
        FluentActions.Invoking(() => Idx.Load(path, IdxFiles.Spec()))
            .Should().Throw<DataFileException>()
            .WithMessage($"{path}: {pattern}")
            .WithMessage($"*{Idx.Fix}");
    }
}
