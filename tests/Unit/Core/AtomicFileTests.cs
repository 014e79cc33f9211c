using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Core;

/// <summary>Outputs are replaced whole or not at all.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        string path = dir.File("result.json");
        File.WriteAllText(path, "old");

        FluentActions.Invoking(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new IOException("disk full");
        })).Should().Throw<IOException>();

        File.ReadAllText(path).Should().Be("old");
        Directory.GetFiles(dir.Path).Should().Equal(path);
    }

    [Fact]
    public void A_write_creates_missing_folders_and_replaces_the_file()
    {
        string path = dir.File("a/b/c.json");
        AtomicFile.WriteAllText(path, "one");
        AtomicFile.WriteAllText(path, "two");
        File.ReadAllText(path).Should().Be("two");
    }
}
