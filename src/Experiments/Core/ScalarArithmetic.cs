using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Core;

/// <summary>
/// Tensor arithmetic whose scalar operands stay alive for the whole native call.
/// </summary>
/// <remarks>
/// TorchSharp 0.107.0 turns numbers into <see cref="Scalar"/> objects that nothing disposes:
/// implicitly at call sites (<c>t * 0.5</c>) and inside some of its own methods (<c>t.square()</c>
/// is <c>pow(2)</c>, <c>a + b</c> is <c>add(b, 1)</c>). Such a scalar is freed by its finalizer,
/// and once its handle has been read the finalizer may run, on another thread, while LibTorch
/// is still reading it: a garbage collection started by any other thread in that window makes
/// LibTorch fail with "Expected false to be true" (an unknown scalar tag) or read freed memory.
/// The harness trains several models at once, so that window is hit now and then.
/// These helpers hold each scalar in a <c>using</c> until the call has returned; they run the
/// same LibTorch kernels as the operators they replace, so results are bit-identical.
/// <c>ScalarTemporariesTests</c> scans the harness's IL so no unsafe call comes back.
/// </remarks>
public static class ScalarArithmetic
{
    /// <summary>x², as <c>x.square()</c> computes it (<c>pow</c> with the integer exponent 2).</summary>
    public static Tensor Squared(this Tensor x)
    {
        using var two = 2.ToScalar();
        return x.pow(two);
    }

    /// <summary>a + b, as the <c>+</c> operator computes it.</summary>
    public static Tensor Plus(this Tensor a, Tensor b)
    {
        using var one = 1.ToScalar();
        return a.add(b, one);
    }

    /// <summary>x · factor, as <c>x * factor</c> computes it.</summary>
    public static Tensor Times(this Tensor x, double factor)
    {
        using var s = factor.ToScalar();
        return x.mul(s);
    }

    /// <summary>x / divisor, as <c>x / divisor</c> computes it.</summary>
    public static Tensor DividedBy(this Tensor x, double divisor)
    {
        using var s = divisor.ToScalar();
        return x.div(s);
    }
}
