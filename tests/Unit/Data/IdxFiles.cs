using System.IO.Compression;
using System.Security.Cryptography;
using Homework.Experiments.Data;

namespace Homework.Tests.Unit.Data;

/// <summary>Small generated IDX files of three 2x2 "images", with a spec that matches them.</summary>
internal static class IdxFiles
{
    public static readonly int[] Dimensions = [3, 2, 2];
    public static readonly byte[] Pixels = [0, 1, 2, 3, 10, 11, 12, 13, 250, 251, 252, 255];

    public static byte[] Valid => Idx.Encode(Dimensions, Pixels);

    public static IdxSpec Spec(string name = "tiny-images-idx3-ubyte") =>
        new(name, Dimensions, Convert.ToHexStringLower(SHA256.HashData(Valid)), "images");

    public static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest))
            gzip.Write(bytes);
        return memory.ToArray();
    }
}
