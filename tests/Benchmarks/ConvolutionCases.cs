using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>One 5x5 convolution layer of the MNIST CNNs, at batch 10.</summary>
/// <param name="Name">Net and layer.</param>
/// <param name="In">Input channels of one member.</param>
/// <param name="Out">Output channels of one member.</param>
/// <param name="Size">Input height and width (28 for the first layer, 12 for the second).</param>
/// <param name="InputGradient">Whether backward needs the input's gradient (not for the first layer, whose input is data).</param>
public sealed record ConvLayer(string Name, int In, int Out, int Size, bool InputGradient)
{
    public const int Batch = 10;

    public int OutSize => Size - 4;

    /// <summary>Multiply-adds of the forward pass of one member's batch.</summary>
    public long MultiplyAdds => (long)Batch * OutSize * OutSize * Out * In * 25;

    /// <summary>Forward, weight gradient, and input gradient when needed: 2 FLOPs per multiply-add each.</summary>
    public double ForwardBackwardFlops => (InputGradient ? 6.0 : 4.0) * MultiplyAdds;

    public override string ToString() => Name;

    public static IReadOnlyList<ConvLayer> All { get; } =
    [
        new("cnn5k conv1 1-4 28px", 1, 4, 28, false),
        new("cnn5k conv2 4-8 12px", 4, 8, 12, true),
        new("cnn21k conv1 1-8 28px", 1, 8, 28, false),
        new("cnn21k conv2 8-16 12px", 8, 16, 12, true),
    ];
}

/// <summary>How M members' convolutions are computed.</summary>
public enum ConvPath
{
    /// <summary>One grouped convolution, members folded into the channels (B, M·C, H, W), ATen's default backend choice (oneDNN for float32).</summary>
    Grouped,

    /// <summary>The same with the input in channels-last memory order (B, H, W, M·C).</summary>
    GroupedChannelsLast,

    /// <summary>Grouped, with oneDNN switched off: ATen's own im2col + GEMM convolution, one group after another.</summary>
    GroupedNative,

    /// <summary>
    /// Not a way to stack distinct nets: the M·B images through one ungrouped convolution of one
    /// member's weights. The same FLOPs as the stack, in the kernel's best case; a reference.
    /// </summary>
    FoldedIntoBatch,

    /// <summary>The folded reference with oneDNN switched off.</summary>
    FoldedIntoBatchNative,

    /// <summary>
    /// Members as the batch of a batched matrix product: im2col by <c>nn.functional.unfold</c>,
    /// one copy into (M, C·25, B·L), then W (M, C', C·25) · cols, channel-major layout (M, C', B, H, W).
    /// </summary>
    Im2colBmm,

    /// <summary>
    /// Members first, each image its own small product: im2col by <c>nn.functional.unfold</c> on
    /// (M·B, C, H, W), then W (M, 1, C', C·25) · cols (M, B, C·25, L) broadcast over the batch (M·B
    /// small GEMMs in one call); output (M·B, C', H', W'), no copy between layers.
    /// </summary>
    Im2colPerImage,
}

/// <summary>A convolution layer's forward and backward for M members by one <see cref="ConvPath"/>, on random data.</summary>
public sealed class ConvRunner : IDisposable
{
    private readonly ConvLayer layer;
    private readonly ConvPath path;
    private readonly int members;
    private readonly Tensor input, weight, bias, outputGradient;
    private readonly bool mkldnnBefore;

    public ConvRunner(ConvLayer layer, ConvPath path, int members)
    {
        (this.layer, this.path, this.members) = (layer, path, members);
        using var g = new Generator(3);
        int b = ConvLayer.Batch, c = layer.In, c2 = layer.Out, h = layer.Size, o = layer.OutSize, m = members;
        switch (path)
        {
            case ConvPath.Grouped or ConvPath.GroupedNative:
                input = randn([b, m * c, h, h], generator: g);
                weight = randn([m * c2, c, 5, 5], generator: g);
                bias = randn([m * c2], generator: g);
                outputGradient = randn([b, m * c2, o, o], generator: g);
                break;
            case ConvPath.GroupedChannelsLast:
                using (var nhwc = randn([b, h, h, m * c], generator: g)) input = nhwc.permute(0, 3, 1, 2);
                weight = randn([m * c2, c, 5, 5], generator: g);
                bias = randn([m * c2], generator: g);
                using (var nhwc = randn([b, o, o, m * c2], generator: g)) outputGradient = nhwc.permute(0, 3, 1, 2);
                break;
            case ConvPath.FoldedIntoBatch or ConvPath.FoldedIntoBatchNative:
                input = randn([m * b, c, h, h], generator: g);
                weight = randn([c2, c, 5, 5], generator: g);
                bias = randn([c2], generator: g);
                outputGradient = randn([m * b, c2, o, o], generator: g);
                break;
            case ConvPath.Im2colPerImage:
                input = randn([m * b, c, h, h], generator: g);
                weight = randn([m, 1, c2, c * 25], generator: g);
                bias = randn([m, 1, c2, 1], generator: g);
                outputGradient = randn([m, b, c2, o * o], generator: g);
                break;
            default:
                input = randn([m, c, b, h, h], generator: g);
                weight = randn([m, c2, c * 25], generator: g);
                bias = randn([m, c2, 1], generator: g);
                outputGradient = randn([m, c2, b * o * o], generator: g);
                break;
        }
        input.requires_grad = layer.InputGradient;
        weight.requires_grad = true;
        bias.requires_grad = true;
        mkldnnBefore = LibTorchSwitches.Mkldnn;
        LibTorchSwitches.Mkldnn = path is not (ConvPath.GroupedNative or ConvPath.FoldedIntoBatchNative);
    }

    /// <summary>FLOPs of one forward and backward pass of all members.</summary>
    public double Flops => members * layer.ForwardBackwardFlops;

    public Tensor Forward() => path switch
    {
        ConvPath.Grouped or ConvPath.GroupedChannelsLast or ConvPath.GroupedNative => nn.functional.conv2d(input, weight, bias, groups: members),
        ConvPath.FoldedIntoBatch or ConvPath.FoldedIntoBatchNative => nn.functional.conv2d(input, weight, bias),
        ConvPath.Im2colPerImage => Im2colPerImage(),
        _ => Im2col(),
    };

    private Tensor Im2colPerImage()
    {
        int b = ConvLayer.Batch, c = layer.In, o = layer.OutSize, m = members;
        using var cols = nn.functional.unfold(input, 5);            // (M·B, C·25, L)
        using var perMember = cols.view(m, b, c * 25, o * o);        // (M, B, C·25, L)
        using var product = weight.matmul(perMember);                // (M, 1, C', C·25)·(M, B, C·25, L) -> (M, B, C', L)
        using var one = 1.ToScalar();
        return product.add(bias, one);                               // + (M, 1, C', 1)
    }

    private Tensor Im2col()
    {
        int b = ConvLayer.Batch, c = layer.In, o = layer.OutSize, m = members;
        using var planes = input.view(m * c, b, layer.Size, layer.Size);            // each channel's B images as "channels"
        using var unfolded = nn.functional.unfold(planes, 5);                      // (M·C, B·25, L), rows (b, kh, kw)
        using var split = unfolded.view(m, c, b, 25, o * o);
        using var ordered = split.permute(0, 1, 3, 2, 4);                           // (M, C, 25, B, L)
        using var cols = ordered.reshape(m, c * 25, b * o * o);                    // the one copy
        return Homework.Models.StackedOps.AddBatchProduct(bias, weight, cols);  // (M, C', C·25)·(M, C·25, B·L) + (M, C', 1)
    }

    /// <summary>Forward, then backward to the weights, the bias and (second layers) the input.</summary>
    public long ForwardBackward()
    {
        using var scope = NewDisposeScope();
        var output = Forward();
        IList<Tensor> inputs = layer.InputGradient ? [input, weight, bias] : [weight, bias];
        var grads = torch.autograd.grad([output], inputs, [outputGradient]);
        return grads[0].shape[0];
    }

    public void Dispose()
    {
        LibTorchSwitches.Mkldnn = mkldnnBefore;
        input.Dispose();
        weight.Dispose();
        bias.Dispose();
        outputGradient.Dispose();
    }
}
