using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Training;

/// <summary>
/// <see cref="Adam"/>'s elementwise arithmetic in passes of the harness's own over the tensors'
/// memory, rounded element by element as LibTorch's calls round it.
/// </summary>
/// <remarks>
/// <para>
/// Why: Adam's eight LibTorch calls each read and write whole tensors, two of them allocate a
/// new one, and MKL's square root is several times slower on zeros, which is what the second
/// moment of a weight no gradient reaches holds. On the CNN stacks that was a tenth to a
/// quarter of a training step (the README's "Adam in three passes").
/// </para>
/// <para>
/// What LibTorch computes, per element, with the AVX2 kernels the harness pins and the AVX-512
/// ones (measured against it bit for bit on a million elements, a scalar tail included, and
/// checked by <c>FusedAdamTests</c>, <c>OptimizersTests</c> and every golden file; ATen's
/// <c>default</c> kernels round products and sums apart): <c>add_(g, alpha)</c> is a fused multiply-add,
/// g·alpha + x; <c>addcmul_(g, g, value)</c> is (value·g)·g + x fused; <c>addcdiv_(m, d, value)</c>
/// is x + (value·m)/d; scalars are rounded to the tensor's type first. The square root is left
/// to LibTorch: it takes MKL's vector square root, which is not always the correctly rounded
/// one (it differed from it in about one element in six), so computing it here would change
/// the bits.
/// </para>
/// </remarks>
internal static class FusedAdam
{
    /// <summary>Whether the fused passes can take these tensors: on the CPU, contiguous, all float32 or all float64.</summary>
    public static bool Applies(Tensor value, Tensor grad, Tensor m, Tensor v)
    {
        var dtype = value.dtype;
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64)) return false;
        foreach (var t in (Tensor[])[value, grad, m, v])
        {
            if (t.dtype != dtype || t.device_type != DeviceType.CPU || !t.is_contiguous() || t.numel() != value.numel()) return false;
        }
        return true;
    }

    /// <summary>
    /// Whether every second moment below the smallest normal number gives the denominator ε
    /// exactly, whatever its square root: √v is then at most 2⁻⁶³ (float32) or 2⁻⁵¹¹ (float64), and
    /// √v / c2 less than a quarter of ε's last place (with a factor of two to spare for the square
    /// root's rounding), so adding it to ε rounds back to ε. True for PyTorch's ε = 1e-8; false for
    /// ε = 0, where the square root matters.
    /// </summary>
    public static bool TinyGiveEpsilon(ScalarType dtype, double rootCorrection2, double epsilon)
    {
        if (dtype == ScalarType.Float32)
        {
            float eps = (float)epsilon, c2 = (float)rootCorrection2;
            return eps > 0 && c2 > 0 && Math.ScaleB(1.0, -62) / c2 < (MathF.BitIncrement(eps) - eps) / 4.0;
        }
        return epsilon > 0 && rootCorrection2 > 0 && Math.ScaleB(1.0, -510) / rootCorrection2 < (Math.BitIncrement(epsilon) - epsilon) / 4.0;
    }

    /// <summary>
    /// m ← β1·m + (1−β1)·g and v ← β2·v + (1−β2)·g·g, as <c>mul_(β1).add_(g, alpha: 1−β1)</c> and
    /// <c>mul_(β2).addcmul_(g, g, value: 1−β2)</c>; and <paramref name="root"/> ← v, to take its square
    /// root in place. With <paramref name="tinyGiveEpsilon"/>, a v below the smallest normal number
    /// (zero, for a weight no gradient ever reaches, such as one on an always-blank pixel) goes to
    /// the square root as 1 instead: <see cref="Update"/> does not read its root, and MKL's vector
    /// square root is several times slower on zeros and subnormal numbers (measured: 10% zeros
    /// 3.6x, 10% subnormals 10x slower on 500,000 floats).
    /// </summary>
    public static void Moments(Tensor grad, Tensor m, Tensor v, Tensor root, double decay1, double rest1, double decay2, double rest2, bool tinyGiveEpsilon)
    {
        if (grad.dtype == ScalarType.Float32)
            Moments(Read<float>(grad), Write<float>(m), Write<float>(v), Write<float>(root), (float)decay1, (float)rest1, (float)decay2, (float)rest2,
                tinyGiveEpsilon ? SmallestNormalFloat : 0);
        else
            Moments(Read<double>(grad), Write<double>(m), Write<double>(v), Write<double>(root), decay1, rest1, decay2, rest2,
                tinyGiveEpsilon ? SmallestNormalDouble : 0);
    }

    /// <summary>
    /// p ← p + step·m / (√v / c2 + ε), as <c>div(c2).add_(ε)</c> and <c>addcdiv_(m, denominator, value: step)</c>,
    /// with √v in <paramref name="root"/>; with <paramref name="tinyGiveEpsilon"/>, the denominator is
    /// ε where v is below the smallest normal number (see <see cref="TinyGiveEpsilon"/>).
    /// </summary>
    public static void Update(Tensor value, Tensor m, Tensor v, Tensor root, double rootCorrection2, double epsilon, double stepSize, bool tinyGiveEpsilon)
    {
        if (value.dtype == ScalarType.Float32)
            Update(Write<float>(value), Read<float>(m), Read<float>(v), Read<float>(root), (float)rootCorrection2, (float)epsilon, (float)stepSize,
                tinyGiveEpsilon ? SmallestNormalFloat : 0);
        else
            Update(Write<double>(value), Read<double>(m), Read<double>(v), Read<double>(root), rootCorrection2, epsilon, stepSize,
                tinyGiveEpsilon ? SmallestNormalDouble : 0);
    }

    private static readonly float SmallestNormalFloat = BitConverter.Int32BitsToSingle(0x0080_0000);
    private static readonly double SmallestNormalDouble = BitConverter.Int64BitsToDouble(0x0010_0000_0000_0000);

    private static ReadOnlySpan<T> Read<T>(Tensor t) where T : unmanaged => MemoryMarshal.Cast<byte, T>(t.bytes);

    private static Span<T> Write<T>(Tensor t) where T : unmanaged => MemoryMarshal.Cast<byte, T>(t.bytes);

    // The passes below: `tiny` is the smallest normal number, or 0 to take every v's root (v < 0
    // is never true of a second moment, and NaN < tiny is false, so NaN keeps its root).

    private static void Moments(ReadOnlySpan<float> g, Span<float> m, Span<float> v, Span<float> root,
        float decay1, float rest1, float decay2, float rest2, float tiny)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (d1, r1, d2, r2) = (Vector256.Create(decay1), Vector256.Create(rest1), Vector256.Create(decay2), Vector256.Create(rest2));
            var (small, one) = (Vector256.Create(tiny), Vector256<float>.One);
            for (; i + 8 <= g.Length; i += 8)
            {
                var gi = Vector256.Create(g.Slice(i, 8));
                Vector256.FusedMultiplyAdd(gi, r1, Vector256.Create((ReadOnlySpan<float>)m.Slice(i, 8)) * d1).CopyTo(m.Slice(i, 8));
                var vi = Vector256.FusedMultiplyAdd(r2 * gi, gi, Vector256.Create((ReadOnlySpan<float>)v.Slice(i, 8)) * d2);
                vi.CopyTo(v.Slice(i, 8));
                Vector256.ConditionalSelect(Vector256.LessThan(vi, small), one, vi).CopyTo(root.Slice(i, 8));
            }
        }
        for (; i < g.Length; i++)
        {
            m[i] = MathF.FusedMultiplyAdd(g[i], rest1, m[i] * decay1);
            float vi = MathF.FusedMultiplyAdd(rest2 * g[i], g[i], v[i] * decay2);
            v[i] = vi;
            root[i] = vi < tiny ? 1 : vi;
        }
    }

    private static void Moments(ReadOnlySpan<double> g, Span<double> m, Span<double> v, Span<double> root,
        double decay1, double rest1, double decay2, double rest2, double tiny)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (d1, r1, d2, r2) = (Vector256.Create(decay1), Vector256.Create(rest1), Vector256.Create(decay2), Vector256.Create(rest2));
            var (small, one) = (Vector256.Create(tiny), Vector256<double>.One);
            for (; i + 4 <= g.Length; i += 4)
            {
                var gi = Vector256.Create(g.Slice(i, 4));
                Vector256.FusedMultiplyAdd(gi, r1, Vector256.Create((ReadOnlySpan<double>)m.Slice(i, 4)) * d1).CopyTo(m.Slice(i, 4));
                var vi = Vector256.FusedMultiplyAdd(r2 * gi, gi, Vector256.Create((ReadOnlySpan<double>)v.Slice(i, 4)) * d2);
                vi.CopyTo(v.Slice(i, 4));
                Vector256.ConditionalSelect(Vector256.LessThan(vi, small), one, vi).CopyTo(root.Slice(i, 4));
            }
        }
        for (; i < g.Length; i++)
        {
            m[i] = Math.FusedMultiplyAdd(g[i], rest1, m[i] * decay1);
            double vi = Math.FusedMultiplyAdd(rest2 * g[i], g[i], v[i] * decay2);
            v[i] = vi;
            root[i] = vi < tiny ? 1 : vi;
        }
    }

    private static void Update(Span<float> p, ReadOnlySpan<float> m, ReadOnlySpan<float> v, ReadOnlySpan<float> root,
        float rootCorrection2, float epsilon, float stepSize, float tiny)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (c2, eps, step, small) = (Vector256.Create(rootCorrection2), Vector256.Create(epsilon), Vector256.Create(stepSize), Vector256.Create(tiny));
            for (; i + 8 <= p.Length; i += 8)
            {
                var denominator = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Create(v.Slice(i, 8)), small), eps,
                    Vector256.Create(root.Slice(i, 8)) / c2 + eps);
                (Vector256.Create((ReadOnlySpan<float>)p.Slice(i, 8)) + step * Vector256.Create(m.Slice(i, 8)) / denominator).CopyTo(p.Slice(i, 8));
            }
        }
        for (; i < p.Length; i++)
        {
            float denominator = v[i] < tiny ? epsilon : root[i] / rootCorrection2 + epsilon;
            p[i] += stepSize * m[i] / denominator;
        }
    }

    private static void Update(Span<double> p, ReadOnlySpan<double> m, ReadOnlySpan<double> v, ReadOnlySpan<double> root,
        double rootCorrection2, double epsilon, double stepSize, double tiny)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (c2, eps, step, small) = (Vector256.Create(rootCorrection2), Vector256.Create(epsilon), Vector256.Create(stepSize), Vector256.Create(tiny));
            for (; i + 4 <= p.Length; i += 4)
            {
                var denominator = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Create(v.Slice(i, 4)), small), eps,
                    Vector256.Create(root.Slice(i, 4)) / c2 + eps);
                (Vector256.Create((ReadOnlySpan<double>)p.Slice(i, 4)) + step * Vector256.Create(m.Slice(i, 4)) / denominator).CopyTo(p.Slice(i, 4));
            }
        }
        for (; i < p.Length; i++)
        {
            double denominator = v[i] < tiny ? epsilon : root[i] / rootCorrection2 + epsilon;
            p[i] += stepSize * m[i] / denominator;
        }
    }
}
