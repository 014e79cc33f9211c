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
/// Why: Adam's eight LibTorch calls each read and write whole tensors (four of them allocate a
/// new one), which on the largest nets here, whose parameters outgrow the core's L2 cache,
/// made the optimiser a quarter of a training step (the README's benchmark table).
/// </para>
/// <para>
/// What LibTorch computes, per element, with the AVX2 kernels the harness pins (measured
/// against it bit for bit on a million elements, tails included, and checked by
/// <c>OptimizersTests</c> and every golden file): <c>add_(g, alpha)</c> is a fused multiply-add,
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

    /// <summary>m ← β1·m + (1−β1)·g and v ← β2·v + (1−β2)·g·g, as <c>mul_(β1).add_(g, alpha: 1−β1)</c> and <c>mul_(β2).addcmul_(g, g, value: 1−β2)</c>.</summary>
    public static void Moments(Tensor grad, Tensor m, Tensor v, double decay1, double rest1, double decay2, double rest2)
    {
        if (grad.dtype == ScalarType.Float32)
            Moments(Read<float>(grad), Write<float>(m), Write<float>(v), (float)decay1, (float)rest1, (float)decay2, (float)rest2);
        else
            Moments(Read<double>(grad), Write<double>(m), Write<double>(v), decay1, rest1, decay2, rest2);
    }

    /// <summary>p ← p + step·m / (√v / c2 + ε), as <c>div(c2).add_(ε)</c> and <c>addcdiv_(m, denominator, value: step)</c>, with √v given.</summary>
    public static void Update(Tensor value, Tensor m, Tensor root, double rootCorrection2, double epsilon, double stepSize)
    {
        if (value.dtype == ScalarType.Float32)
            Update(Write<float>(value), Read<float>(m), Read<float>(root), (float)rootCorrection2, (float)epsilon, (float)stepSize);
        else
            Update(Write<double>(value), Read<double>(m), Read<double>(root), rootCorrection2, epsilon, stepSize);
    }

    private static ReadOnlySpan<T> Read<T>(Tensor t) where T : unmanaged => MemoryMarshal.Cast<byte, T>(t.bytes);

    private static Span<T> Write<T>(Tensor t) where T : unmanaged => MemoryMarshal.Cast<byte, T>(t.bytes);

    private static void Moments(ReadOnlySpan<float> g, Span<float> m, Span<float> v, float decay1, float rest1, float decay2, float rest2)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (d1, r1, d2, r2) = (Vector256.Create(decay1), Vector256.Create(rest1), Vector256.Create(decay2), Vector256.Create(rest2));
            for (; i + 8 <= g.Length; i += 8)
            {
                var gi = Vector256.Create(g.Slice(i, 8));
                Vector256.FusedMultiplyAdd(gi, r1, Vector256.Create((ReadOnlySpan<float>)m.Slice(i, 8)) * d1).CopyTo(m.Slice(i, 8));
                Vector256.FusedMultiplyAdd(r2 * gi, gi, Vector256.Create((ReadOnlySpan<float>)v.Slice(i, 8)) * d2).CopyTo(v.Slice(i, 8));
            }
        }
        for (; i < g.Length; i++)
        {
            m[i] = MathF.FusedMultiplyAdd(g[i], rest1, m[i] * decay1);
            v[i] = MathF.FusedMultiplyAdd(rest2 * g[i], g[i], v[i] * decay2);
        }
    }

    private static void Moments(ReadOnlySpan<double> g, Span<double> m, Span<double> v, double decay1, double rest1, double decay2, double rest2)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (d1, r1, d2, r2) = (Vector256.Create(decay1), Vector256.Create(rest1), Vector256.Create(decay2), Vector256.Create(rest2));
            for (; i + 4 <= g.Length; i += 4)
            {
                var gi = Vector256.Create(g.Slice(i, 4));
                Vector256.FusedMultiplyAdd(gi, r1, Vector256.Create((ReadOnlySpan<double>)m.Slice(i, 4)) * d1).CopyTo(m.Slice(i, 4));
                Vector256.FusedMultiplyAdd(r2 * gi, gi, Vector256.Create((ReadOnlySpan<double>)v.Slice(i, 4)) * d2).CopyTo(v.Slice(i, 4));
            }
        }
        for (; i < g.Length; i++)
        {
            m[i] = Math.FusedMultiplyAdd(g[i], rest1, m[i] * decay1);
            v[i] = Math.FusedMultiplyAdd(rest2 * g[i], g[i], v[i] * decay2);
        }
    }

    private static void Update(Span<float> p, ReadOnlySpan<float> m, ReadOnlySpan<float> root, float rootCorrection2, float epsilon, float stepSize)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (c2, eps, step) = (Vector256.Create(rootCorrection2), Vector256.Create(epsilon), Vector256.Create(stepSize));
            for (; i + 8 <= p.Length; i += 8)
            {
                var denominator = Vector256.Create(root.Slice(i, 8)) / c2 + eps;
                (Vector256.Create((ReadOnlySpan<float>)p.Slice(i, 8)) + step * Vector256.Create(m.Slice(i, 8)) / denominator).CopyTo(p.Slice(i, 8));
            }
        }
        for (; i < p.Length; i++)
        {
            float denominator = root[i] / rootCorrection2 + epsilon;
            p[i] += stepSize * m[i] / denominator;
        }
    }

    private static void Update(Span<double> p, ReadOnlySpan<double> m, ReadOnlySpan<double> root, double rootCorrection2, double epsilon, double stepSize)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (c2, eps, step) = (Vector256.Create(rootCorrection2), Vector256.Create(epsilon), Vector256.Create(stepSize));
            for (; i + 4 <= p.Length; i += 4)
            {
                var denominator = Vector256.Create(root.Slice(i, 4)) / c2 + eps;
                (Vector256.Create((ReadOnlySpan<double>)p.Slice(i, 4)) + step * Vector256.Create(m.Slice(i, 4)) / denominator).CopyTo(p.Slice(i, 4));
            }
        }
        for (; i < p.Length; i++)
        {
            double denominator = root[i] / rootCorrection2 + epsilon;
            p[i] += stepSize * m[i] / denominator;
        }
    }
}
