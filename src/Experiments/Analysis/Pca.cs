using Homework.Experiments.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Analysis;

/// <summary>A principal component analysis fitted on a set of vectors.</summary>
/// <param name="Projections">Each input vector's coordinates on the leading components.</param>
/// <param name="ExplainedVariance">Share of the total variance along each leading component.</param>
public sealed record PcaResult(double[][] Projections, double[] ExplainedVariance);

/// <summary>
/// PCA by singular value decomposition of the centred data (LibTorch's linalg.svd, in double
/// precision). Each component's sign is fixed so that its largest-magnitude loading is
/// positive, which makes the projections reproducible rather than SVD-implementation defined.
/// </summary>
public static class Pca
{
    public static PcaResult Fit(IReadOnlyList<double[]> vectors, int components = 2)
    {
        if (vectors.Count < 2) throw new ArgumentException("PCA needs at least two vectors.", nameof(vectors));
        int d = vectors[0].Length;
        if (vectors.Any(v => v.Length != d)) throw new ArgumentException("All vectors must have the same length.", nameof(vectors));
        components = Math.Min(components, Math.Min(d, vectors.Count));

        using var scope = NewDisposeScope();
        var x = tensor(vectors.SelectMany(v => v).ToArray(), [vectors.Count, d], float64);
        var centred = x - x.mean([0], keepdim: true);
        var (_, s, vh) = linalg.svd(centred, fullMatrices: false);
        var basis = vh.narrow(0, 0, components);                                   // (k, d)
        var signs = basis.gather(1, basis.abs().argmax(1, keepdim: true)).sign();  // (k, 1)
        basis = basis * signs;
        var projected = centred.matmul(basis.T);                                   // (n, k)
        var variance = s.Squared();
        var explained = (variance.narrow(0, 0, components) / variance.sum()).data<double>().ToArray();

        double[] flat = projected.data<double>().ToArray();
        var projections = Enumerable.Range(0, vectors.Count).Select(i => flat.AsSpan(i * components, components).ToArray()).ToArray();
        return new PcaResult(projections, explained);
    }
}
