using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using Homework.Experiments.Core;

namespace Homework.Experiments.Data;

/// <summary>
/// What an IDX file must be: its name, element type, dimensions and the SHA-256 of its
/// uncompressed bytes (the same whether it is stored raw or as <c>.gz</c>).
/// </summary>
/// <param name="Name">File name without <c>.gz</c>, e.g. <c>train-images-idx3-ubyte</c>.</param>
/// <param name="Dimensions">Expected dimensions, e.g. 60000, 28, 28.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the uncompressed file.</param>
/// <param name="Item">What one entry is called in messages ("images", "labels").</param>
public sealed record IdxSpec(string Name, int[] Dimensions, string Sha256, string Item)
{
    /// <summary>IDX type code 0x08: unsigned bytes, the only type MNIST uses.</summary>
    public const byte UnsignedByte = 0x08;

    public int HeaderLength => 4 + 4 * Dimensions.Length;

    public long DataLength => Dimensions.Aggregate(1L, (a, d) => a * d);
}

/// <summary>The decoded contents of an IDX file.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Data);

/// <summary>
/// Reads IDX files (LeCun's MNIST format), raw or gzip-compressed, and refuses anything
/// that is not exactly the expected file: wrong magic number, dimensions or count, a
/// truncated or overlong file, or a checksum that does not match. Every refusal names the
/// file, what is wrong and what to do; it never returns silently wrong data.
/// </summary>
public static class Idx
{
    /// <summary>The fix suggested for a bad MNIST file.</summary>
    public const string Fix =
        "Delete the file and run again to fetch a fresh copy, or replace it with the original from an MNIST mirror (raw or .gz).";

    /// <summary>The raw file if present, else the <c>.gz</c> one, else null.</summary>
    public static string? Locate(string directory, IdxSpec spec)
    {
        string raw = Path.Combine(directory, spec.Name);
        if (File.Exists(raw)) return raw;
        string gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>Reads and validates <paramref name="path"/> (raw, or gzip when it ends in .gz).</summary>
    public static IdxArray Load(string path, IdxSpec spec)
    {
        if (!File.Exists(path))
            throw new DataFileException(path, "file not found", Fix);
        byte[] bytes = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Gunzip(path) : File.ReadAllBytes(path);
        return Decode(bytes, spec, path);
    }

    /// <summary>Validates uncompressed IDX bytes against <paramref name="spec"/>.</summary>
    public static IdxArray Decode(byte[] bytes, IdxSpec spec, string path)
    {
        if (bytes.Length < 4)
            throw new DataFileException(path, $"truncated: {bytes.Length} bytes, not even an IDX header", Fix);
        int rank = bytes[3];
        if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != IdxSpec.UnsignedByte)
            throw new DataFileException(path,
                $"not an IDX file of unsigned bytes: magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):X8}, expected 0x{IdxSpec.UnsignedByte << 8 | spec.Dimensions.Length:X8}", Fix);
        if (rank != spec.Dimensions.Length)
            throw new DataFileException(path, $"has {rank} dimensions, expected {spec.Dimensions.Length} ({spec.Item})", Fix);
        if (bytes.Length < spec.HeaderLength)
            throw new DataFileException(path, $"truncated: {bytes.Length} bytes, shorter than its {spec.HeaderLength}-byte header", Fix);

        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
        if (dims[0] != spec.Dimensions[0])
            throw new DataFileException(path, $"holds {dims[0]:N0} {spec.Item}, expected {spec.Dimensions[0]:N0}", Fix);
        if (!dims.SequenceEqual(spec.Dimensions))
            throw new DataFileException(path, $"has dimensions {string.Join("x", dims)}, expected {string.Join("x", spec.Dimensions)}", Fix);

        long expected = spec.HeaderLength + spec.DataLength;
        if (bytes.Length < expected)
            throw new DataFileException(path, $"truncated: {bytes.Length:N0} bytes, expected {expected:N0} for {spec.Dimensions[0]:N0} {spec.Item}", Fix);
        if (bytes.Length > expected)
            throw new DataFileException(path, $"has {bytes.Length - expected:N0} bytes after the data, expected exactly {expected:N0} bytes", Fix);

        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(sha, spec.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new DataFileException(path, $"SHA-256 is {sha}, expected {spec.Sha256}: the file is corrupt or not the original {spec.Name}", Fix);

        return new IdxArray(dims, bytes[spec.HeaderLength..]);
    }

    /// <summary>Builds IDX bytes (for tests and tools).</summary>
    public static byte[] Encode(int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = IdxSpec.UnsignedByte;
        bytes[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    private static byte[] Gunzip(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var memory = new MemoryStream();
            gzip.CopyTo(memory);
            return memory.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"not a valid gzip file ({e.Message})", Fix, e);
        }
        catch (EndOfStreamException e)
        {
            throw new DataFileException(path, "truncated gzip file", Fix, e);
        }
    }
}
