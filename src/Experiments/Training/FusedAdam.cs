using System.Numerics;
using System.Runtime.CompilerServices;
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
            Moments<float>(grad, m, v, root, decay1, rest1, decay2, rest2, tinyGiveEpsilon);
        else
            Moments<double>(grad, m, v, root, decay1, rest1, decay2, rest2, tinyGiveEpsilon);
    }

    /// <summary>
    /// p ← p + step·m / (√v / c2 + ε), as <c>div(c2).add_(ε)</c> and <c>addcdiv_(m, denominator, value: step)</c>,
    /// with √v in <paramref name="root"/>; with <paramref name="tinyGiveEpsilon"/>, the denominator is
    /// ε where v is below the smallest normal number (see <see cref="TinyGiveEpsilon"/>).
    /// </summary>
    public static void Update(Tensor value, Tensor m, Tensor v, Tensor root, double rootCorrection2, double epsilon, double stepSize, bool tinyGiveEpsilon)
    {
        if (value.dtype == ScalarType.Float32)
            Update<float>(value, m, v, root, rootCorrection2, epsilon, stepSize, tinyGiveEpsilon);
        else
            Update<double>(value, m, v, root, rootCorrection2, epsilon, stepSize, tinyGiveEpsilon);
    }

    private static ReadOnlySpan<T> Read<T>(Tensor t) where T : unmanaged => MemoryMarshal.Cast<byte, T>(t.bytes);

    private static Span<T> Write<T>(Tensor t) where T : unmanaged => MemoryMarshal.Cast<byte, T>(t.bytes);

    // The passes, for float and double alike: every operation is one IEEE operation of T (the
    // JIT compiles each T apart), scalars rounded to T first, as LibTorch rounds them. `tiny` is
    // the smallest normal number, or 0 to take every v's root (v < 0 is never true of a second
    // moment, and NaN < tiny is false, so NaN keeps its root).

    private static void Moments<T>(Tensor grad, Tensor mt, Tensor vt, Tensor roott, double decay1, double rest1, double decay2, double rest2, bool tinyGiveEpsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> g = Read<T>(grad);
        Span<T> m = Write<T>(mt), v = Write<T>(vt), root = Write<T>(roott);
        T d1 = T.CreateChecked(decay1), r1 = T.CreateChecked(rest1), d2 = T.CreateChecked(decay2), r2 = T.CreateChecked(rest2);
        T tiny = tinyGiveEpsilon ? T.CreateChecked(SmallestNormal<T>()) : T.Zero;
        int i = 0, lanes = Vector256<T>.Count;
        if (Vector256.IsHardwareAccelerated)
        {
            var (vd1, vr1, vd2, vr2, small) = (Vector256.Create(d1), Vector256.Create(r1), Vector256.Create(d2), Vector256.Create(r2), Vector256.Create(tiny));
            for (; i + lanes <= g.Length; i += lanes)
            {
                var gi = Vector256.Create(g.Slice(i, lanes));
                Fma(gi, vr1, Vector256.Create((ReadOnlySpan<T>)m.Slice(i, lanes)) * vd1).CopyTo(m.Slice(i, lanes));
                var vi = Fma(vr2 * gi, gi, Vector256.Create((ReadOnlySpan<T>)v.Slice(i, lanes)) * vd2);
                vi.CopyTo(v.Slice(i, lanes));
                Vector256.ConditionalSelect(Vector256.LessThan(vi, small), Vector256<T>.One, vi).CopyTo(root.Slice(i, lanes));
            }
        }
        for (; i < g.Length; i++)
        {
            m[i] = T.FusedMultiplyAdd(g[i], r1, m[i] * d1);
            T vi = T.FusedMultiplyAdd(r2 * g[i], g[i], v[i] * d2);
            v[i] = vi;
            root[i] = vi < tiny ? T.One : vi;
        }
    }

    private static void Update<T>(Tensor value, Tensor mt, Tensor vt, Tensor roott, double rootCorrection2, double epsilon, double stepSize, bool tinyGiveEpsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> p = Write<T>(value);
        ReadOnlySpan<T> m = Read<T>(mt), v = Read<T>(vt), root = Read<T>(roott);
        T c2 = T.CreateChecked(rootCorrection2), eps = T.CreateChecked(epsilon), step = T.CreateChecked(stepSize);
        T tiny = tinyGiveEpsilon ? T.CreateChecked(SmallestNormal<T>()) : T.Zero;
        int i = 0, lanes = Vector256<T>.Count;
        if (Vector256.IsHardwareAccelerated)
        {
            var (vc2, veps, vstep, small) = (Vector256.Create(c2), Vector256.Create(eps), Vector256.Create(step), Vector256.Create(tiny));
            for (; i + lanes <= p.Length; i += lanes)
            {
                var denominator = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Create(v.Slice(i, lanes)), small), veps,
                    Vector256.Create(root.Slice(i, lanes)) / vc2 + veps);
                (Vector256.Create((ReadOnlySpan<T>)p.Slice(i, lanes)) + vstep * Vector256.Create(m.Slice(i, lanes)) / denominator).CopyTo(p.Slice(i, lanes));
            }
        }
        for (; i < p.Length; i++)
        {
            T denominator = v[i] < tiny ? eps : root[i] / c2 + eps;
            p[i] += step * m[i] / denominator;
        }
    }

    /// <summary>The smallest normal number of T, as a double (exact for float and double).</summary>
    private static double SmallestNormal<T>() => typeof(T) == typeof(float)
        ? BitConverter.Int32BitsToSingle(0x0080_0000)
        : BitConverter.Int64BitsToDouble(0x0010_0000_0000_0000);

    /// <summary>a·b + c rounded once, lane by lane (Vector256 has it for float and double only; the JIT drops the other branch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }
}
