using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Models;

/// <summary>
/// The convolutional part of M stacked <see cref="LeNet"/>s, conv1 (5x5) → 2x2 max-pool → ReLU →
/// conv2 (5x5) → 2x2 max-pool → ReLU, computed by the harness's own vector loops instead of
/// LibTorch's convolutions: one call forward, one backward, for every member and image.
/// </summary>
/// <remarks>
/// <para>
/// Why: the stacks' convolutions have 1 to 16 channels per member, on which oneDNN's kernels run
/// at 7-30% of the machine's arithmetic peak and each LibTorch call costs microseconds of its own
/// (see the README's benchmarks). Here every image is done in the first-level cache: the output
/// rows of both convolutions are 24 and 8 wide, three and one 8-wide vectors, and each tap of the
/// kernel is one fused multiply-add into them.
/// </para>
/// <para>
/// The backward pass uses what the pooling and ReLU leave: one position in four of each
/// convolution's output gets a gradient from the pooling, and only where the pooled value is
/// positive. So the weight gradients and conv2's input gradient are sums over those positions
/// (a quarter or less of the dense sums, the same values up to rounding), each a 5-wide row of
/// taps read as one vector whose last three lanes are ignored.
/// </para>
/// <para>
/// Every sum runs in a fixed order and uses fused multiply-adds (<see cref="Vector256.FusedMultiplyAdd(Vector256{float}, Vector256{float}, Vector256{float})"/>),
/// so the results are the same bits on any machine with 256-bit vectors or their emulation, and
/// do not depend on MKL's or oneDNN's choice of kernel. They are not LibTorch's bits: a stack of
/// one keeps LibTorch's path (<see cref="StackedCnn"/>), so it stays bit-identical to the single net.
/// </para>
/// </remarks>
public static class LeNetTrunk
{
    private const int ImageSize = 28, Conv1Size = 24, Pool1Size = 12, Conv2Size = 8, Pool2Size = 4, Taps = 25;

    /// <summary>Row stride of an image copy: 28 values and 4 zeros, so an 8-wide read from column 23 stays in the row.</summary>
    private const int ImageStride = 32;

    /// <summary>Row stride of a pooled conv1 plane (conv2's input): 12 values and 4 zeros, for 8-wide reads from column 7.</summary>
    private const int Pool1Stride = 16;

    private const int ImageFloats = ImageSize * ImageStride, Pool1Floats = Pool1Size * Pool1Stride;

    /// <summary>
    /// The trunk's features of every member and image: images (B, M, 28, 28) (member m's image b
    /// at [b, m]), conv1 weights (M·C1, 1, 5, 5) and biases (M·C1), conv2 weights (M·C2, C1, 5, 5)
    /// and biases (M·C2), member m's kernels being rows m·C..(m+1)·C−1, as
    /// <see cref="StackedCnn"/> holds them; returns (M, B, C2·16), each member's features in the
    /// order <see cref="LeNet"/> flattens them. Differentiable in the weights and biases (not in
    /// the images) when gradients are enabled.
    /// </summary>
    public static Tensor Apply(Tensor images, Tensor conv1Weight, Tensor conv1Bias, Tensor conv2Weight, Tensor conv2Bias)
    {
        bool differentiable = is_grad_enabled() &&
            (conv1Weight.requires_grad || conv1Bias.requires_grad || conv2Weight.requires_grad || conv2Bias.requires_grad);
        // The autograd function's forward checks the shapes itself (Shape.Of), once.
        if (differentiable) return TrunkFunction.apply(images, conv1Weight, conv1Bias, conv2Weight, conv2Bias);
        var shape = Shape.Of(images, conv1Weight, conv1Bias, conv2Weight, conv2Bias);
        return Forward(shape, images, conv1Weight, conv1Bias, conv2Weight, conv2Bias, saved: null);
    }

    /// <summary>Sizes of one call, checked against each other.</summary>
    private readonly record struct Shape(int Members, int Batch, int Conv1, int Conv2)
    {
        public static Shape Of(Tensor images, Tensor w1, Tensor b1, Tensor w2, Tensor b2)
        {
            foreach (var t in (Tensor[])[images, w1, b1, w2, b2])
            {
                if (t.dtype != ScalarType.Float32)
                    throw new ArgumentException($"The trunk computes in float32; got a {t.dtype} tensor of shape [{string.Join(", ", t.shape)}].");
            }
            if (images.dim() != 4 || images.shape[2] != ImageSize || images.shape[3] != ImageSize)
                throw new ArgumentException($"Images must be (B, M, 28, 28); got [{string.Join(", ", images.shape)}].");
            int batch = checked((int)images.shape[0]), members = checked((int)images.shape[1]);
            if (w1.dim() != 4 || w1.shape[0] % members != 0 || w1.shape[1] != 1 || w1.shape[2] != 5 || w1.shape[3] != 5)
                throw new ArgumentException($"conv1 weights must be (M·C1, 1, 5, 5) for M = {members}; got [{string.Join(", ", w1.shape)}].");
            int c1 = (int)(w1.shape[0] / members);
            if (w2.dim() != 4 || w2.shape[0] % members != 0 || w2.shape[1] != c1 || w2.shape[2] != 5 || w2.shape[3] != 5)
                throw new ArgumentException($"conv2 weights must be (M·C2, {c1}, 5, 5) for M = {members}; got [{string.Join(", ", w2.shape)}].");
            int c2 = (int)(w2.shape[0] / members);
            if (b1.numel() != members * c1 || b2.numel() != members * c2)
                throw new ArgumentException($"Biases must hold M·C1 = {members * c1} and M·C2 = {members * c2} values; got {b1.numel()} and {b2.numel()}.");
            return new Shape(members, batch, c1, c2);
        }

        /// <summary>Conv1's channels rounded up to a multiple of 4, the lanes of conv2's input gradient.</summary>
        public int Conv1Lanes => (Conv1 + 3) / 4 * 4;
    }

    /// <summary>What the backward pass needs of one forward pass, in arrays of the shared pool.</summary>
    private sealed class Saved(Shape shape) : IDisposable
    {
        public Shape Shape { get; } = shape;

        /// <summary>Images copied with padded rows, (M, B, 28, 32).</summary>
        public float[] Images { get; } = ArrayPool<float>.Shared.Rent(shape.Members * shape.Batch * ImageFloats);

        /// <summary>Pooled conv1 planes after ReLU, (M, B, C1, 12, 16).</summary>
        public float[] Pool1 { get; } = ArrayPool<float>.Shared.Rent(shape.Members * shape.Batch * shape.Conv1 * Pool1Floats);

        /// <summary>Which of the four positions each pooled conv1 value came from, and whether its ReLU passes a gradient (<see cref="PoolRelu"/>), (M, B, C1, 12, 12).</summary>
        public int[] From1 { get; } = ArrayPool<int>.Shared.Rent(shape.Members * shape.Batch * shape.Conv1 * Pool1Size * Pool1Size);

        /// <summary>The same for conv2, (M, B, C2, 4, 4).</summary>
        public int[] From2 { get; } = ArrayPool<int>.Shared.Rent(shape.Members * shape.Batch * shape.Conv2 * Pool2Size * Pool2Size);

        /// <summary>conv2's weights as the forward pass used them, (M·C2, C1, 25).</summary>
        public float[] Conv2Weight { get; } = ArrayPool<float>.Shared.Rent(shape.Members * shape.Conv2 * shape.Conv1 * Taps);

        /// <summary>Whether the arrays went back to the pool (after the one backward pass they serve).</summary>
        public bool Returned { get; private set; }

        public void Dispose()
        {
            if (Returned) return;
            Returned = true;
            ArrayPool<float>.Shared.Return(Images);
            ArrayPool<float>.Shared.Return(Pool1);
            ArrayPool<int>.Shared.Return(From1);
            ArrayPool<int>.Shared.Return(From2);
            ArrayPool<float>.Shared.Return(Conv2Weight);
        }
    }

    private sealed class TrunkFunction : autograd.SingleTensorFunction<TrunkFunction>
    {
        private const string Key = "lenet-trunk";

        public override string Name => "LeNetTrunk";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (images, w1, b1, w2, b2) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
            var saved = new Saved(Shape.Of(images, w1, b1, w2, b2));
            ctx.save_data(Key, saved);
            return Forward(saved.Shape, images, w1, b1, w2, b2, saved);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            using var saved = (Saved)ctx.get_data(Key);
            // Runs inside LibTorch's backward pass (a callback from native code), where an exception
            // ends the process with its message; better than gradients from arrays already reused.
            if (saved.Returned)
                throw new InvalidOperationException("The CNN trunk's saved forward state serves one backward pass; a second one through the same graph (retain_graph) is not supported.");
            var (w1, b1, w2, b2) = Backward(saved, gradOutput);
            return [null!, w1, b1, w2, b2];
        }
    }

    private static ReadOnlySpan<float> Floats(Tensor contiguous) => MemoryMarshal.Cast<byte, float>(contiguous.bytes);

    private static Span<float> Writable(Tensor contiguous) => MemoryMarshal.Cast<byte, float>(contiguous.bytes);

    private static Tensor Forward(Shape s, Tensor images, Tensor w1, Tensor b1, Tensor w2, Tensor b2, Saved? saved)
    {
        using var x = images.contiguous();
        using var w1c = w1.contiguous();
        using var b1c = b1.contiguous();
        using var w2c = w2.contiguous();
        using var b2c = b2.contiguous();
        var output = empty([s.Members, s.Batch, s.Conv2 * Pool2Size * Pool2Size], dtype: ScalarType.Float32);
        var pixels = Floats(x);
        var w1s = Floats(w1c);
        var b1s = Floats(b1c);
        var w2s = Floats(w2c);
        var b2s = Floats(b2c);
        var features = Writable(output);
        if (saved is not null) w2s.CopyTo(saved.Conv2Weight);

        int c1 = s.Conv1, c2 = s.Conv2;
        var conv1 = ArrayPool<float>.Shared.Rent(c1 * Conv1Size * Conv1Size);
        var conv2 = ArrayPool<float>.Shared.Rent(c2 * Conv2Size * Conv2Size);
        var ownImage = saved is null ? ArrayPool<float>.Shared.Rent(ImageFloats) : null;
        var ownPool1 = saved is null ? ArrayPool<float>.Shared.Rent(c1 * Pool1Floats) : null;
        var ownFrom1 = saved is null ? ArrayPool<int>.Shared.Rent(c1 * Pool1Size * Pool1Size) : null;
        var ownFrom2 = saved is null ? ArrayPool<int>.Shared.Rent(c2 * Pool2Size * Pool2Size) : null;
        try
        {
            for (int m = 0; m < s.Members; m++)
            {
                for (int b = 0; b < s.Batch; b++)
                {
                    int item = m * s.Batch + b;
                    var image = saved is null ? ownImage.AsSpan(0, ImageFloats) : saved.Images.AsSpan(item * ImageFloats, ImageFloats);
                    var pool1 = saved is null ? ownPool1.AsSpan(0, c1 * Pool1Floats) : saved.Pool1.AsSpan(item * c1 * Pool1Floats, c1 * Pool1Floats);
                    var from1 = saved is null ? ownFrom1.AsSpan(0, c1 * 144) : saved.From1.AsSpan(item * c1 * 144, c1 * 144);
                    var from2 = saved is null ? ownFrom2.AsSpan(0, c2 * 16) : saved.From2.AsSpan(item * c2 * 16, c2 * 16);

                    CopyImage(pixels.Slice((b * s.Members + m) * ImageSize * ImageSize, ImageSize * ImageSize), image);
                    Conv1(image, w1s.Slice(m * c1 * Taps, c1 * Taps), b1s.Slice(m * c1, c1), c1, conv1);
                    PoolRelu(conv1, c1, Conv1Size, pool1, Pool1Stride, Pool1Floats, from1);
                    Conv2(pool1, w2s.Slice(m * c2 * c1 * Taps, c2 * c1 * Taps), b2s.Slice(m * c2, c2), c1, c2, conv2);
                    PoolRelu(conv2, c2, Conv2Size, features.Slice(item * c2 * 16, c2 * 16), Pool2Size, Pool2Size * Pool2Size, from2);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(conv1);
            ArrayPool<float>.Shared.Return(conv2);
            if (ownImage is not null) ArrayPool<float>.Shared.Return(ownImage);
            if (ownPool1 is not null) ArrayPool<float>.Shared.Return(ownPool1);
            if (ownFrom1 is not null) ArrayPool<int>.Shared.Return(ownFrom1);
            if (ownFrom2 is not null) ArrayPool<int>.Shared.Return(ownFrom2);
        }
        return output;
    }

    /// <summary>One image into rows of <see cref="ImageStride"/>, the spare columns zero.</summary>
    private static void CopyImage(ReadOnlySpan<float> source, Span<float> padded)
    {
        for (int r = 0; r < ImageSize; r++)
        {
            source.Slice(r * ImageSize, ImageSize).CopyTo(padded.Slice(r * ImageStride));
            padded.Slice(r * ImageStride + ImageSize, ImageStride - ImageSize).Clear();
        }
    }

    /// <summary>
    /// conv1 of one image: (28, 32-padded) -> (C1, 24, 24). Four channels at a time, each output row
    /// three vectors, bias first and then the 25 taps in row-major order.
    /// </summary>
    private static void Conv1(ReadOnlySpan<float> image, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int channels, Span<float> output)
    {
        ref float img = ref MemoryMarshal.GetReference(image);
        ref float w = ref MemoryMarshal.GetReference(weight);
        ref float o = ref MemoryMarshal.GetReference(output);
        int c = 0;
        for (; c + 4 <= channels; c += 4)
        {
            for (int y = 0; y < Conv1Size; y++)
            {
                var a0 = Vector256.Create(bias[c]); var (a1, a2) = (a0, a0);
                var d0 = Vector256.Create(bias[c + 1]); var (d1, d2) = (d0, d0);
                var e0 = Vector256.Create(bias[c + 2]); var (e1, e2) = (e0, e0);
                var f0 = Vector256.Create(bias[c + 3]); var (f1, f2) = (f0, f0);
                for (int ky = 0; ky < 5; ky++)
                {
                    int row = (y + ky) * ImageStride;
                    int tap = ky * 5;
                    for (int kx = 0; kx < 5; kx++, tap++)
                    {
                        var i0 = Vector256.LoadUnsafe(ref img, (nuint)(row + kx));
                        var i1 = Vector256.LoadUnsafe(ref img, (nuint)(row + kx + 8));
                        var i2 = Vector256.LoadUnsafe(ref img, (nuint)(row + kx + 16));
                        var wa = Vector256.Create(Unsafe.Add(ref w, c * Taps + tap));
                        a0 = Vector256.FusedMultiplyAdd(wa, i0, a0); a1 = Vector256.FusedMultiplyAdd(wa, i1, a1); a2 = Vector256.FusedMultiplyAdd(wa, i2, a2);
                        var wd = Vector256.Create(Unsafe.Add(ref w, (c + 1) * Taps + tap));
                        d0 = Vector256.FusedMultiplyAdd(wd, i0, d0); d1 = Vector256.FusedMultiplyAdd(wd, i1, d1); d2 = Vector256.FusedMultiplyAdd(wd, i2, d2);
                        var we = Vector256.Create(Unsafe.Add(ref w, (c + 2) * Taps + tap));
                        e0 = Vector256.FusedMultiplyAdd(we, i0, e0); e1 = Vector256.FusedMultiplyAdd(we, i1, e1); e2 = Vector256.FusedMultiplyAdd(we, i2, e2);
                        var wf = Vector256.Create(Unsafe.Add(ref w, (c + 3) * Taps + tap));
                        f0 = Vector256.FusedMultiplyAdd(wf, i0, f0); f1 = Vector256.FusedMultiplyAdd(wf, i1, f1); f2 = Vector256.FusedMultiplyAdd(wf, i2, f2);
                    }
                }
                nuint at = (nuint)(c * Conv1Size * Conv1Size + y * Conv1Size);
                const int plane = Conv1Size * Conv1Size;
                a0.StoreUnsafe(ref o, at); a1.StoreUnsafe(ref o, at + 8); a2.StoreUnsafe(ref o, at + 16);
                d0.StoreUnsafe(ref o, at + plane); d1.StoreUnsafe(ref o, at + plane + 8); d2.StoreUnsafe(ref o, at + plane + 16);
                e0.StoreUnsafe(ref o, at + 2 * plane); e1.StoreUnsafe(ref o, at + 2 * plane + 8); e2.StoreUnsafe(ref o, at + 2 * plane + 16);
                f0.StoreUnsafe(ref o, at + 3 * plane); f1.StoreUnsafe(ref o, at + 3 * plane + 8); f2.StoreUnsafe(ref o, at + 3 * plane + 16);
            }
        }
        for (; c < channels; c++)
        {
            for (int y = 0; y < Conv1Size; y++)
            {
                var a0 = Vector256.Create(bias[c]); var (a1, a2) = (a0, a0);
                for (int ky = 0; ky < 5; ky++)
                {
                    int row = (y + ky) * ImageStride;
                    for (int kx = 0; kx < 5; kx++)
                    {
                        var wa = Vector256.Create(Unsafe.Add(ref w, c * Taps + ky * 5 + kx));
                        a0 = Vector256.FusedMultiplyAdd(wa, Vector256.LoadUnsafe(ref img, (nuint)(row + kx)), a0);
                        a1 = Vector256.FusedMultiplyAdd(wa, Vector256.LoadUnsafe(ref img, (nuint)(row + kx + 8)), a1);
                        a2 = Vector256.FusedMultiplyAdd(wa, Vector256.LoadUnsafe(ref img, (nuint)(row + kx + 16)), a2);
                    }
                }
                nuint at = (nuint)(c * Conv1Size * Conv1Size + y * Conv1Size);
                a0.StoreUnsafe(ref o, at); a1.StoreUnsafe(ref o, at + 8); a2.StoreUnsafe(ref o, at + 16);
            }
        }
    }

    /// <summary>
    /// conv2 of one image: pooled planes (C1, 12, 16-padded) -> (C2, 8, 8). Four channels and four
    /// rows at a time (sixteen accumulators; then two channels, then one), bias first, then input
    /// channel by channel, taps in row-major order.
    /// </summary>
    private static void Conv2(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int inputs, int channels, Span<float> output)
    {
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float w = ref MemoryMarshal.GetReference(weight);
        ref float o = ref MemoryMarshal.GetReference(output);
        int perChannel = inputs * Taps;
        int c = 0;
        for (; c + 4 <= channels; c += 4)
        {
            for (int y = 0; y < Conv2Size; y += 4)
            {
                var a0 = Vector256.Create(bias[c]); var (a1, a2, a3) = (a0, a0, a0);
                var d0 = Vector256.Create(bias[c + 1]); var (d1, d2, d3) = (d0, d0, d0);
                var e0 = Vector256.Create(bias[c + 2]); var (e1, e2, e3) = (e0, e0, e0);
                var f0 = Vector256.Create(bias[c + 3]); var (f1, f2, f3) = (f0, f0, f0);
                for (int ci = 0; ci < inputs; ci++)
                {
                    int plane = ci * Pool1Floats;
                    int wa = c * perChannel + ci * Taps;
                    for (int ky = 0; ky < 5; ky++)
                    {
                        int row = plane + (y + ky) * Pool1Stride;
                        for (int kx = 0; kx < 5; kx++)
                        {
                            int tap = wa + ky * 5 + kx;
                            var r0 = Vector256.LoadUnsafe(ref x, (nuint)(row + kx));
                            var r1 = Vector256.LoadUnsafe(ref x, (nuint)(row + Pool1Stride + kx));
                            var r2 = Vector256.LoadUnsafe(ref x, (nuint)(row + 2 * Pool1Stride + kx));
                            var r3 = Vector256.LoadUnsafe(ref x, (nuint)(row + 3 * Pool1Stride + kx));
                            var va = Vector256.Create(Unsafe.Add(ref w, tap));
                            a0 = Vector256.FusedMultiplyAdd(va, r0, a0); a1 = Vector256.FusedMultiplyAdd(va, r1, a1);
                            a2 = Vector256.FusedMultiplyAdd(va, r2, a2); a3 = Vector256.FusedMultiplyAdd(va, r3, a3);
                            var vd = Vector256.Create(Unsafe.Add(ref w, tap + perChannel));
                            d0 = Vector256.FusedMultiplyAdd(vd, r0, d0); d1 = Vector256.FusedMultiplyAdd(vd, r1, d1);
                            d2 = Vector256.FusedMultiplyAdd(vd, r2, d2); d3 = Vector256.FusedMultiplyAdd(vd, r3, d3);
                            var ve = Vector256.Create(Unsafe.Add(ref w, tap + 2 * perChannel));
                            e0 = Vector256.FusedMultiplyAdd(ve, r0, e0); e1 = Vector256.FusedMultiplyAdd(ve, r1, e1);
                            e2 = Vector256.FusedMultiplyAdd(ve, r2, e2); e3 = Vector256.FusedMultiplyAdd(ve, r3, e3);
                            var vf = Vector256.Create(Unsafe.Add(ref w, tap + 3 * perChannel));
                            f0 = Vector256.FusedMultiplyAdd(vf, r0, f0); f1 = Vector256.FusedMultiplyAdd(vf, r1, f1);
                            f2 = Vector256.FusedMultiplyAdd(vf, r2, f2); f3 = Vector256.FusedMultiplyAdd(vf, r3, f3);
                        }
                    }
                }
                nuint at = (nuint)(c * 64 + y * 8);
                a0.StoreUnsafe(ref o, at); a1.StoreUnsafe(ref o, at + 8); a2.StoreUnsafe(ref o, at + 16); a3.StoreUnsafe(ref o, at + 24);
                d0.StoreUnsafe(ref o, at + 64); d1.StoreUnsafe(ref o, at + 72); d2.StoreUnsafe(ref o, at + 80); d3.StoreUnsafe(ref o, at + 88);
                e0.StoreUnsafe(ref o, at + 128); e1.StoreUnsafe(ref o, at + 136); e2.StoreUnsafe(ref o, at + 144); e3.StoreUnsafe(ref o, at + 152);
                f0.StoreUnsafe(ref o, at + 192); f1.StoreUnsafe(ref o, at + 200); f2.StoreUnsafe(ref o, at + 208); f3.StoreUnsafe(ref o, at + 216);
            }
        }
        for (; c + 2 <= channels; c += 2)
        {
            for (int y = 0; y < Conv2Size; y += 4)
            {
                var a0 = Vector256.Create(bias[c]); var (a1, a2, a3) = (a0, a0, a0);
                var d0 = Vector256.Create(bias[c + 1]); var (d1, d2, d3) = (d0, d0, d0);
                for (int ci = 0; ci < inputs; ci++)
                {
                    int plane = ci * Pool1Floats;
                    int wa = c * perChannel + ci * Taps, wd = wa + perChannel;
                    for (int ky = 0; ky < 5; ky++)
                    {
                        int row = plane + (y + ky) * Pool1Stride;
                        for (int kx = 0; kx < 5; kx++)
                        {
                            int tap = ky * 5 + kx;
                            var r0 = Vector256.LoadUnsafe(ref x, (nuint)(row + kx));
                            var r1 = Vector256.LoadUnsafe(ref x, (nuint)(row + Pool1Stride + kx));
                            var r2 = Vector256.LoadUnsafe(ref x, (nuint)(row + 2 * Pool1Stride + kx));
                            var r3 = Vector256.LoadUnsafe(ref x, (nuint)(row + 3 * Pool1Stride + kx));
                            var va = Vector256.Create(Unsafe.Add(ref w, wa + tap));
                            var vd = Vector256.Create(Unsafe.Add(ref w, wd + tap));
                            a0 = Vector256.FusedMultiplyAdd(va, r0, a0); a1 = Vector256.FusedMultiplyAdd(va, r1, a1);
                            a2 = Vector256.FusedMultiplyAdd(va, r2, a2); a3 = Vector256.FusedMultiplyAdd(va, r3, a3);
                            d0 = Vector256.FusedMultiplyAdd(vd, r0, d0); d1 = Vector256.FusedMultiplyAdd(vd, r1, d1);
                            d2 = Vector256.FusedMultiplyAdd(vd, r2, d2); d3 = Vector256.FusedMultiplyAdd(vd, r3, d3);
                        }
                    }
                }
                nuint at = (nuint)(c * 64 + y * 8);
                a0.StoreUnsafe(ref o, at); a1.StoreUnsafe(ref o, at + 8); a2.StoreUnsafe(ref o, at + 16); a3.StoreUnsafe(ref o, at + 24);
                d0.StoreUnsafe(ref o, at + 64); d1.StoreUnsafe(ref o, at + 72); d2.StoreUnsafe(ref o, at + 80); d3.StoreUnsafe(ref o, at + 88);
            }
        }
        for (; c < channels; c++)
        {
            for (int y = 0; y < Conv2Size; y += 4)
            {
                var a0 = Vector256.Create(bias[c]); var (a1, a2, a3) = (a0, a0, a0);
                for (int ci = 0; ci < inputs; ci++)
                {
                    int plane = ci * Pool1Floats, wa = c * perChannel + ci * Taps;
                    for (int ky = 0; ky < 5; ky++)
                    {
                        int row = plane + (y + ky) * Pool1Stride;
                        for (int kx = 0; kx < 5; kx++)
                        {
                            var va = Vector256.Create(Unsafe.Add(ref w, wa + ky * 5 + kx));
                            a0 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref x, (nuint)(row + kx)), a0);
                            a1 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref x, (nuint)(row + Pool1Stride + kx)), a1);
                            a2 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref x, (nuint)(row + 2 * Pool1Stride + kx)), a2);
                            a3 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref x, (nuint)(row + 3 * Pool1Stride + kx)), a3);
                        }
                    }
                }
                nuint at = (nuint)(c * 64 + y * 8);
                a0.StoreUnsafe(ref o, at); a1.StoreUnsafe(ref o, at + 8); a2.StoreUnsafe(ref o, at + 16); a3.StoreUnsafe(ref o, at + 24);
            }
        }
    }

    /// <summary>
    /// 2x2 max-pooling, then ReLU, of square planes (channels, size, size), size a multiple of 8,
    /// into rows of <paramref name="stride"/> (planes <paramref name="planeStride"/> apart; spare
    /// columns zeroed). As LibTorch's pooling, a window's maximum is its first largest value in
    /// row-major order, or its last NaN. <paramref name="from"/> records the winner (0-3), plus
    /// <see cref="Passes"/> where the ReLU passes a gradient (the maximum is positive).
    /// </summary>
    /// <remarks>Branch-free: 8 columns of two rows at a time, which random data would otherwise mispredict at every other window.</remarks>
    private static void PoolRelu(ReadOnlySpan<float> input, int channels, int size, Span<float> output, int stride, int planeStride, Span<int> from)
    {
        int half = size / 2;
        ref float i = ref MemoryMarshal.GetReference(input);
        ref float o = ref MemoryMarshal.GetReference(output);
        ref int f = ref MemoryMarshal.GetReference(from);
        for (int c = 0; c < channels; c++)
        {
            for (int py = 0; py < half; py++)
            {
                nuint top = (nuint)((c * size + 2 * py) * size), row = (nuint)(c * planeStride + py * stride), codes = (nuint)((c * half + py) * half);
                for (int x = 0; x < size; x += 8)
                {
                    var (value, code) = Pool8(Vector256.LoadUnsafe(ref i, top + (nuint)x), Vector256.LoadUnsafe(ref i, top + (nuint)(size + x)));
                    value.StoreUnsafe(ref o, row + (nuint)(x / 2));
                    code.StoreUnsafe(ref f, codes + (nuint)(x / 2));
                }
                output.Slice((int)row + half, stride - half).Clear();
            }
        }
    }

    /// <summary>Flag of a pooling code (<see cref="PoolRelu"/>): the ReLU after the pooling passes a gradient.</summary>
    private const int Passes = 4;

    /// <summary>The four 2x2 windows of 8 columns of two rows: their pooled and rectified values and their codes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Value, Vector128<int> Code) Pool8(Vector256<float> top, Vector256<float> bottom)
    {
        var swap = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6);
        // Even lanes: the windows' top-left, top-right, bottom-left and bottom-right values in turn.
        var best = top;
        var at = Vector256<int>.Zero;
        Challenge(ref best, ref at, Vector256.Shuffle(top, swap), 1);
        Challenge(ref best, ref at, bottom, 2);
        Challenge(ref best, ref at, Vector256.Shuffle(bottom, swap), 3);
        var positive = Vector256.GreaterThan(best, Vector256<float>.Zero);
        var nan = ~Vector256.Equals(best, best);
        var value = Vector256.ConditionalSelect(positive | nan, best, Vector256<float>.Zero);
        var code = at | (positive.AsInt32() & Vector256.Create(Passes));
        var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        return (Vector256.Shuffle(value, even).GetLower(), Vector256.Shuffle(code, even).GetLower());
    }

    /// <summary>One more value of each window: it wins if larger, or NaN (LibTorch's rule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Challenge(ref Vector256<float> best, ref Vector256<int> at, Vector256<float> value, int position)
    {
        var wins = Vector256.GreaterThan(value, best) | ~Vector256.Equals(value, value);
        best = Vector256.ConditionalSelect(wins, value, best);
        at = Vector256.ConditionalSelect(wins.AsInt32(), Vector256.Create(position), at);
    }

    /// <summary>
    /// Gradients of the conv weights and biases from the features' gradient (M, B, C2·16).
    /// Per member: the positions of conv2's output the second pooling and ReLU pass a gradient to,
    /// listed once; from them conv2's weight and bias gradients and conv1's input gradient; then
    /// the same for conv1.
    /// </summary>
    private static (Tensor W1, Tensor B1, Tensor W2, Tensor B2) Backward(Saved saved, Tensor gradOutput)
    {
        var s = saved.Shape;
        int c1 = s.Conv1, c2 = s.Conv2, lanes = s.Conv1Lanes, batch = s.Batch;
        using var g = gradOutput.contiguous();
        var grads = Floats(g);
        var w1 = empty([s.Members * c1, 1, 5, 5]);
        var b1 = empty([s.Members * c1]);
        var w2 = empty([s.Members * c2, c1, 5, 5]);
        var b2 = empty([s.Members * c2]);
        var gw1 = Writable(w1);
        var gb1 = Writable(b1);
        var gw2 = Writable(w2);
        var gb2 = Writable(b2);
        // conv2's kernels with the input channel last (C2, 25, lanes), and conv2's input gradient
        // for every image in the same layout, rows of 16 as the pooled planes, (B, 12, 16, lanes):
        // each tap one vector of lanes, and a listed position of conv2's output (row·16 + column)
        // finds its window in both.
        var kernels = ArrayPool<float>.Shared.Rent(c2 * Taps * lanes);
        var inputGrad = ArrayPool<float>.Shared.Rent(batch * Pool1Floats * lanes);
        var passed2 = new Passed(batch * c2, 16, Pool1Stride);
        var passed1 = new Passed(batch * c1, 144, ImageStride);
        try
        {
            for (int m = 0; m < s.Members; m++)
            {
                var features = grads.Slice(m * batch * c2 * 16, batch * c2 * 16);
                var from2 = saved.From2.AsSpan(m * batch * c2 * 16, batch * c2 * 16);
                var from1 = saved.From1.AsSpan(m * batch * c1 * 144, batch * c1 * 144);
                var pool1 = saved.Pool1.AsSpan(m * batch * c1 * Pool1Floats, batch * c1 * Pool1Floats);
                var images = saved.Images.AsSpan(m * batch * ImageFloats, batch * ImageFloats);
                var weight2 = saved.Conv2Weight.AsSpan(m * c2 * c1 * Taps, c2 * c1 * Taps);

                passed2.Collect(features, from2, Pool2Size);
                Conv2Gradients(passed2, pool1, batch, c1, c2, gw2.Slice(m * c2 * c1 * Taps, c2 * c1 * Taps), gb2.Slice(m * c2, c2));
                ChannelLast(weight2, c1, c2, lanes, kernels);
                var dInput = inputGrad.AsSpan(0, batch * Pool1Floats * lanes);
                dInput.Clear();
                Conv2InputGradient(passed2, kernels, batch, c2, lanes, dInput);
                passed1.Collect(dInput, from1, c1, lanes);
                Conv1Gradients(passed1, images, batch, c1, gw1.Slice(m * c1 * Taps, c1 * Taps), gb1.Slice(m * c1, c1));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(kernels);
            ArrayPool<float>.Shared.Return(inputGrad);
            passed2.Dispose();
            passed1.Dispose();
        }
        return (w1, b1, w2, b2);
    }

    /// <summary>
    /// For each (image, channel) plane of a convolution's output, the positions the pooling and
    /// ReLU after it pass a gradient to, in row-major order: their position, row·<paramref name="stride"/>
    /// + column (the offset of the window it saw in rows of that stride), and gradient.
    /// Listed without branches (every position is written, the count grows only for those that
    /// pass), so that the sums over them neither mispredict nor do work for the zeros.
    /// </summary>
    private sealed class Passed(int planes, int capacity, int stride) : IDisposable
    {
        public int[] Count { get; } = ArrayPool<int>.Shared.Rent(planes);
        public int[] Position { get; } = ArrayPool<int>.Shared.Rent(planes * capacity);
        public float[] Gradient { get; } = ArrayPool<float>.Shared.Rent(planes * capacity);
        public int Capacity => capacity;

        /// <summary>
        /// The first listed position and gradient, for the sums over the lists: they index
        /// <c>plane·Capacity + i</c> for i below <c>Count[plane]</c>, which <see cref="Collect(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/>
        /// keeps within the arrays, so the sums read them without bounds checks.
        /// </summary>
        public ref int FirstPosition => ref MemoryMarshal.GetArrayDataReference(Position);

        /// <inheritdoc cref="FirstPosition"/>
        public ref float FirstGradient => ref MemoryMarshal.GetArrayDataReference(Gradient);

        /// <summary>From the features' gradient (planes, half²) and the second pooling's codes.</summary>
        public void Collect(ReadOnlySpan<float> gradient, ReadOnlySpan<int> from, int half)
        {
            if (from.Length < planes * half * half || gradient.Length < planes * half * half || half * half > capacity)
                throw new ArgumentException("The pooling codes or the features' gradient are smaller than the planes listed.");
            ref int codes = ref MemoryMarshal.GetReference(from);
            ref float grad = ref MemoryMarshal.GetReference(gradient);
            ref int positions = ref MemoryMarshal.GetArrayDataReference(Position);
            ref float gradients = ref MemoryMarshal.GetArrayDataReference(Gradient);
            for (int plane = 0; plane < planes; plane++)
            {
                int n = plane * capacity, start = n, p = plane * half * half;
                for (int py = 0; py < half; py++)
                {
                    for (int px = 0; px < half; px++, p++)
                    {
                        int code = Unsafe.Add(ref codes, p);
                        Unsafe.Add(ref positions, n) = (2 * py + ((code >> 1) & 1)) * stride + 2 * px + (code & 1);
                        Unsafe.Add(ref gradients, n) = Unsafe.Add(ref grad, p);
                        n += code >> 2;
                    }
                }
                Count[plane] = n - start;
            }
        }

        /// <summary>From conv2's input gradient (B, 12, 16, lanes) and the first pooling's codes (B, C1, 144).</summary>
        /// <remarks>
        /// Without bounds checks (the sizes are checked once, above): this listing runs 144 times
        /// per image and channel, and with checked indexing it took longer than conv1's weight
        /// gradients, which use it (113 against 70 µs for the larger CNN's stack of five; 86 without).
        /// </remarks>
        public void Collect(ReadOnlySpan<float> inputGrad, ReadOnlySpan<int> from, int channels, int lanes)
        {
            if (from.Length < planes * 144 || inputGrad.Length < planes / channels * Pool1Floats * lanes || lanes < channels || capacity < 144)
                throw new ArgumentException("The pooling codes or conv2's input gradient are smaller than the planes listed.");
            ref int code = ref MemoryMarshal.GetReference(from);
            ref float grad = ref MemoryMarshal.GetReference(inputGrad);
            ref int positions = ref MemoryMarshal.GetArrayDataReference(Position);
            ref float gradients = ref MemoryMarshal.GetArrayDataReference(Gradient);
            for (int plane = 0; plane < planes; plane++)
            {
                int b = plane / channels, c = plane % channels;
                int n = plane * capacity, start = n;
                ref int codes = ref Unsafe.Add(ref code, plane * 144);
                for (int py = 0; py < Pool1Size; py++)
                {
                    ref int row = ref Unsafe.Add(ref codes, py * Pool1Size);
                    ref float cells = ref Unsafe.Add(ref grad, (b * Pool1Floats + py * Pool1Stride) * lanes + c);
                    int top = 2 * py * stride;
                    for (int px = 0; px < Pool1Size; px++)
                    {
                        int k = Unsafe.Add(ref row, px);
                        Unsafe.Add(ref positions, n) = top + ((k >> 1) & 1) * stride + 2 * px + (k & 1);
                        Unsafe.Add(ref gradients, n) = Unsafe.Add(ref cells, px * lanes);
                        n += k >> 2;
                    }
                }
                Count[plane] = n - start;
            }
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(Count);
            ArrayPool<int>.Shared.Return(Position);
            ArrayPool<float>.Shared.Return(Gradient);
        }
    }

    /// <summary>
    /// conv2's weight and bias gradients of one member. For two input channels at a time, ten
    /// accumulators (one per kernel row, its lanes the kernel's columns, the last three unused),
    /// summed over images and passed positions in order.
    /// </summary>
    private static void Conv2Gradients(Passed passed, ReadOnlySpan<float> pool1, int batch, int c1, int c2, Span<float> weight, Span<float> bias)
    {
        ref int positions = ref passed.FirstPosition;
        ref float gradients = ref passed.FirstGradient;
        ref float x = ref MemoryMarshal.GetReference(pool1);
        for (int c = 0; c < c2; c++)
        {
            float sum = 0;
            for (int b = 0; b < batch; b++)
            {
                int plane = b * c2 + c;
                for (int e = plane * passed.Capacity, end = e + passed.Count[plane]; e < end; e++) sum += Unsafe.Add(ref gradients, e);
            }
            bias[c] = sum;
            int ci = 0;
            for (; ci + 2 <= c1; ci += 2)
            {
                Vector256<float> k0 = default, k1 = default, k2 = default, k3 = default, k4 = default;
                Vector256<float> l0 = default, l1 = default, l2 = default, l3 = default, l4 = default;
                for (int b = 0; b < batch; b++)
                {
                    int plane = b * c2 + c, first = (b * c1 + ci) * Pool1Floats;
                    for (int e = plane * passed.Capacity, end = e + passed.Count[plane]; e < end; e++)
                    {
                        var v = Vector256.Create(Unsafe.Add(ref gradients, e));
                        nuint o = (nuint)(first + Unsafe.Add(ref positions, e));
                        nuint q = o + Pool1Floats;
                        k0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o), k0);
                        k1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o + Pool1Stride), k1);
                        k2 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o + 2 * Pool1Stride), k2);
                        k3 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o + 3 * Pool1Stride), k3);
                        k4 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o + 4 * Pool1Stride), k4);
                        l0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, q), l0);
                        l1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, q + Pool1Stride), l1);
                        l2 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, q + 2 * Pool1Stride), l2);
                        l3 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, q + 3 * Pool1Stride), l3);
                        l4 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, q + 4 * Pool1Stride), l4);
                    }
                }
                StoreTaps(weight.Slice((c * c1 + ci) * Taps, Taps), k0, k1, k2, k3, k4);
                StoreTaps(weight.Slice((c * c1 + ci + 1) * Taps, Taps), l0, l1, l2, l3, l4);
            }
            for (; ci < c1; ci++)
            {
                Vector256<float> k0 = default, k1 = default, k2 = default, k3 = default, k4 = default;
                for (int b = 0; b < batch; b++)
                {
                    int plane = b * c2 + c, first = (b * c1 + ci) * Pool1Floats;
                    for (int e = plane * passed.Capacity, end = e + passed.Count[plane]; e < end; e++)
                    {
                        var v = Vector256.Create(Unsafe.Add(ref gradients, e));
                        nuint o = (nuint)(first + Unsafe.Add(ref positions, e));
                        k0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o), k0);
                        k1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o + Pool1Stride), k1);
                        k2 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o + 2 * Pool1Stride), k2);
                        k3 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o + 3 * Pool1Stride), k3);
                        k4 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref x, o + 4 * Pool1Stride), k4);
                    }
                }
                StoreTaps(weight.Slice((c * c1 + ci) * Taps, Taps), k0, k1, k2, k3, k4);
            }
        }
    }

    /// <summary>A 5x5 kernel's taps from five row accumulators, each row's five columns in its first lanes.</summary>
    private static void StoreTaps(Span<float> taps, Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3, Vector256<float> r4)
    {
        Span<float> row = stackalloc float[8];
        r0.CopyTo(row); row[..5].CopyTo(taps);
        r1.CopyTo(row); row[..5].CopyTo(taps[5..]);
        r2.CopyTo(row); row[..5].CopyTo(taps[10..]);
        r3.CopyTo(row); row[..5].CopyTo(taps[15..]);
        r4.CopyTo(row); row[..5].CopyTo(taps[20..]);
    }

    /// <summary>conv2's kernels (C2, C1, 25) as (C2, 25, lanes), the input channel last and zero-padded.</summary>
    private static void ChannelLast(ReadOnlySpan<float> weight, int c1, int c2, int lanes, Span<float> kernels)
    {
        kernels[..(c2 * Taps * lanes)].Clear();
        for (int c = 0; c < c2; c++)
            for (int ci = 0; ci < c1; ci++)
                for (int t = 0; t < Taps; t++)
                    kernels[(c * Taps + t) * lanes + ci] = weight[(c * c1 + ci) * Taps + t];
    }

    /// <summary>
    /// The gradient of conv2's input (the pooled conv1 planes) of one member, (B, 12, 16, lanes): each
    /// passed position adds its gradient times the 25 taps of its kernel to the 5x5 window it saw,
    /// all input channels at once: with 8 lanes (<see cref="Window8"/>) and 4 (<see cref="Window4"/>)
    /// reading the window before writing it back; other lane counts a row at a time, cell by cell
    /// (8-lane vectors, and a 4-lane one for the last four lanes of a row when the lanes are not a
    /// multiple of 8). The same sums in the same order every way: each cell adds the positions'
    /// terms in list order, channel after channel.
    /// </summary>
    private static void Conv2InputGradient(Passed passed, ReadOnlySpan<float> kernels, int batch, int c2, int lanes, Span<float> inputGrad)
    {
        ref int positions = ref passed.FirstPosition;
        ref float gradients = ref passed.FirstGradient;
        ref float k = ref MemoryMarshal.GetReference(kernels);
        ref float d = ref MemoryMarshal.GetReference(inputGrad);
        for (int b = 0; b < batch; b++)
        {
            int image = b * Pool1Floats * lanes;
            for (int c = 0; c < c2; c++)
            {
                int plane = b * c2 + c;
                for (int e = plane * passed.Capacity, end = e + passed.Count[plane]; e < end; e++)
                {
                    int window = image + Unsafe.Add(ref positions, e) * lanes;
                    int taps = c * Taps * lanes;
                    var v = Vector256.Create(Unsafe.Add(ref gradients, e));
                    if (lanes == 8)
                        Window8(v, ref Unsafe.Add(ref k, taps), ref Unsafe.Add(ref d, window));
                    else if (lanes == 4)
                        Window4(v, ref Unsafe.Add(ref k, taps), ref Unsafe.Add(ref d, window));
                    else
                    {
                        // A kernel row's five taps of all lanes are 5·lanes consecutive values, as are
                        // the five cells of its window's row: 8-lane vectors, then one 4-lane one.
                        int row = 5 * lanes, wide = row / 8 * 8;
                        for (int ky = 0; ky < 5; ky++)
                        {
                            int cell = window + ky * Pool1Stride * lanes, tap = taps + ky * 5 * lanes;
                            for (int l = 0; l < wide; l += 8)
                                Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref k, (nuint)(tap + l)), Vector256.LoadUnsafe(ref d, (nuint)(cell + l))).StoreUnsafe(ref d, (nuint)(cell + l));
                            if (wide < row)
                                Vector128.FusedMultiplyAdd(v.GetLower(), Vector128.LoadUnsafe(ref k, (nuint)(tap + wide)), Vector128.LoadUnsafe(ref d, (nuint)(cell + wide))).StoreUnsafe(ref d, (nuint)(cell + wide));
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// One listed position's share of conv2's input gradient with 8 lanes: its gradient
    /// <paramref name="v"/> times the 25 taps <paramref name="k"/> (rows of 5 cells of 8 lanes)
    /// added to the 5x5 window <paramref name="d"/> (rows 16 cells apart). All 25 cells are read
    /// and summed before any is written back: reading, adding and writing one cell after another
    /// took about 1.5 times as long (a window's cells overlap the previous position's, and each
    /// read then waited on the write before it). 25 vectors live at once fit the 32 registers of
    /// AVX-512 machines; with 16 (the JIT held to AVX2) some live on the stack, and the backward
    /// pass measured as fast.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Window8(Vector256<float> v, ref float k, ref float d)
    {
        Vector256<float> c00 = Tap(v, ref k, ref d, 0, 0), c01 = Tap(v, ref k, ref d, 0, 1), c02 = Tap(v, ref k, ref d, 0, 2), c03 = Tap(v, ref k, ref d, 0, 3), c04 = Tap(v, ref k, ref d, 0, 4);
        Vector256<float> c10 = Tap(v, ref k, ref d, 1, 0), c11 = Tap(v, ref k, ref d, 1, 1), c12 = Tap(v, ref k, ref d, 1, 2), c13 = Tap(v, ref k, ref d, 1, 3), c14 = Tap(v, ref k, ref d, 1, 4);
        Vector256<float> c20 = Tap(v, ref k, ref d, 2, 0), c21 = Tap(v, ref k, ref d, 2, 1), c22 = Tap(v, ref k, ref d, 2, 2), c23 = Tap(v, ref k, ref d, 2, 3), c24 = Tap(v, ref k, ref d, 2, 4);
        Vector256<float> c30 = Tap(v, ref k, ref d, 3, 0), c31 = Tap(v, ref k, ref d, 3, 1), c32 = Tap(v, ref k, ref d, 3, 2), c33 = Tap(v, ref k, ref d, 3, 3), c34 = Tap(v, ref k, ref d, 3, 4);
        Vector256<float> c40 = Tap(v, ref k, ref d, 4, 0), c41 = Tap(v, ref k, ref d, 4, 1), c42 = Tap(v, ref k, ref d, 4, 2), c43 = Tap(v, ref k, ref d, 4, 3), c44 = Tap(v, ref k, ref d, 4, 4);
        c00.StoreUnsafe(ref d, Cell(0, 0)); c01.StoreUnsafe(ref d, Cell(0, 1)); c02.StoreUnsafe(ref d, Cell(0, 2)); c03.StoreUnsafe(ref d, Cell(0, 3)); c04.StoreUnsafe(ref d, Cell(0, 4));
        c10.StoreUnsafe(ref d, Cell(1, 0)); c11.StoreUnsafe(ref d, Cell(1, 1)); c12.StoreUnsafe(ref d, Cell(1, 2)); c13.StoreUnsafe(ref d, Cell(1, 3)); c14.StoreUnsafe(ref d, Cell(1, 4));
        c20.StoreUnsafe(ref d, Cell(2, 0)); c21.StoreUnsafe(ref d, Cell(2, 1)); c22.StoreUnsafe(ref d, Cell(2, 2)); c23.StoreUnsafe(ref d, Cell(2, 3)); c24.StoreUnsafe(ref d, Cell(2, 4));
        c30.StoreUnsafe(ref d, Cell(3, 0)); c31.StoreUnsafe(ref d, Cell(3, 1)); c32.StoreUnsafe(ref d, Cell(3, 2)); c33.StoreUnsafe(ref d, Cell(3, 3)); c34.StoreUnsafe(ref d, Cell(3, 4));
        c40.StoreUnsafe(ref d, Cell(4, 0)); c41.StoreUnsafe(ref d, Cell(4, 1)); c42.StoreUnsafe(ref d, Cell(4, 2)); c43.StoreUnsafe(ref d, Cell(4, 3)); c44.StoreUnsafe(ref d, Cell(4, 4));
    }

    /// <summary>Cell (<paramref name="ky"/>, <paramref name="kx"/>) of the window plus <paramref name="v"/> times its tap, 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tap(Vector256<float> v, ref float k, ref float d, int ky, int kx) =>
        Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref k, (nuint)((ky * 5 + kx) * 8)), Vector256.LoadUnsafe(ref d, Cell(ky, kx)));

    /// <summary>Offset of cell (<paramref name="ky"/>, <paramref name="kx"/>) of a window with 8 lanes, rows of <see cref="Pool1Stride"/> cells.</summary>
    private static nuint Cell(int ky, int kx) => (nuint)((ky * Pool1Stride + kx) * 8);

    /// <summary>
    /// The same with 4 lanes (a row's five cells are 20 values: two 8-lane vectors and a 4-lane
    /// one), a row at a time, its three vectors read and summed before they are written back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Window4(Vector256<float> v, ref float k, ref float d)
    {
        for (int ky = 0; ky < 5; ky++)
        {
            var d0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref k), Vector256.LoadUnsafe(ref d));
            var d1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref k, 8), Vector256.LoadUnsafe(ref d, 8));
            var d2 = Vector128.FusedMultiplyAdd(v.GetLower(), Vector128.LoadUnsafe(ref k, 16), Vector128.LoadUnsafe(ref d, 16));
            d0.StoreUnsafe(ref d);
            d1.StoreUnsafe(ref d, 8);
            d2.StoreUnsafe(ref d, 16);
            k = ref Unsafe.Add(ref k, 20);
            d = ref Unsafe.Add(ref d, Pool1Stride * 4);
        }
    }

    /// <summary>
    /// conv1's weight and bias gradients of one member, from conv2's input gradient at the pooled
    /// positions the ReLU passed, at the position of conv1's output each was pooled from. Two sets
    /// of five row accumulators, the even and the odd passed positions, added at the end.
    /// </summary>
    private static void Conv1Gradients(Passed passed, ReadOnlySpan<float> images, int batch, int c1, Span<float> weight, Span<float> bias)
    {
        ref int positions = ref passed.FirstPosition;
        ref float gradients = ref passed.FirstGradient;
        ref float img = ref MemoryMarshal.GetReference(images);
        for (int c = 0; c < c1; c++)
        {
            float sum = 0;
            Vector256<float> k0 = default, k1 = default, k2 = default, k3 = default, k4 = default;
            Vector256<float> l0 = default, l1 = default, l2 = default, l3 = default, l4 = default;
            for (int b = 0; b < batch; b++)
            {
                int plane = b * c1 + c, image = b * ImageFloats;
                int e = plane * passed.Capacity, end = e + passed.Count[plane];
                for (; e + 2 <= end; e += 2)
                {
                    float g = Unsafe.Add(ref gradients, e), h = Unsafe.Add(ref gradients, e + 1);
                    sum += g;
                    sum += h;
                    var v = Vector256.Create(g);
                    var u = Vector256.Create(h);
                    nuint o = (nuint)(image + Unsafe.Add(ref positions, e));
                    nuint q = (nuint)(image + Unsafe.Add(ref positions, e + 1));
                    k0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o), k0);
                    k1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o + ImageStride), k1);
                    k2 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o + 2 * ImageStride), k2);
                    k3 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o + 3 * ImageStride), k3);
                    k4 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o + 4 * ImageStride), k4);
                    l0 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref img, q), l0);
                    l1 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref img, q + ImageStride), l1);
                    l2 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref img, q + 2 * ImageStride), l2);
                    l3 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref img, q + 3 * ImageStride), l3);
                    l4 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref img, q + 4 * ImageStride), l4);
                }
                if (e < end)
                {
                    float g = Unsafe.Add(ref gradients, e);
                    sum += g;
                    var v = Vector256.Create(g);
                    nuint o = (nuint)(image + Unsafe.Add(ref positions, e));
                    k0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o), k0);
                    k1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o + ImageStride), k1);
                    k2 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o + 2 * ImageStride), k2);
                    k3 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o + 3 * ImageStride), k3);
                    k4 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref img, o + 4 * ImageStride), k4);
                }
            }
            bias[c] = sum;
            StoreTaps(weight.Slice(c * Taps, Taps), k0 + l0, k1 + l1, k2 + l2, k3 + l3, k4 + l4);
        }
    }
}
