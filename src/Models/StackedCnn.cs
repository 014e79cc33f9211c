using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Homework.Models;

/// <summary>
/// M independent <see cref="LeNet"/>s of the same widths as one module. The members are
/// folded into the channels: the input is (B, M, 28, 28), member m's image in channel m, and
/// each convolution is one grouped convolution with M groups, member m's kernels being group m.
/// The fully connected layers are batched matrix products (<see cref="StackedOps.BatchedLinear"/>).
/// </summary>
/// <remarks>
/// <para>
/// With one member every call is the one <see cref="LeNet"/> makes (a grouped convolution
/// with one group is the plain convolution, and the input is (B, 1, 28, 28)), so a stack of one
/// is bit-identical to the single net.
/// </para>
/// <para>
/// Member m's channels are m·C..(m+1)·C−1 in every layer, so flattening (B, M·C2, 4, 4) as
/// (B, M, C2·16) gives each member the features in the order <see cref="LeNet"/> flattens them,
/// and its first fully connected layer keeps the single net's weights as they are.
/// </para>
/// </remarks>
public sealed class StackedCnn : StackedModule
{
    private readonly int conv1Weight, conv1Bias, conv2Weight, conv2Bias;
    private readonly (int Weight, int Bias) fc1, fc2;

    /// <param name="widths">The members' layer widths.</param>
    /// <param name="members">Number of independent nets (M).</param>
    /// <param name="name">Module name.</param>
    public StackedCnn(CnnWidths widths, int members, string name = "stacked-cnn") : base(name, members)
    {
        Widths = widths;
        var (c1, c2, h) = (widths.Conv1, widths.Conv2, widths.Hidden);
        // In LeNet's parameters() order; convolution kernels grouped by member (group m = member m).
        conv1Weight = AddParameter("conv1_weight", [members * c1, 1, 5, 5], [c1, 1, 5, 5]);
        conv1Bias = AddParameter("conv1_bias", [members * c1], [c1]);
        conv2Weight = AddParameter("conv2_weight", [members * c2, c1, 5, 5], [c2, c1, 5, 5]);
        conv2Bias = AddParameter("conv2_bias", [members * c2], [c2]);
        fc1 = AddLinear("fc1", c2 * 16, h);
        fc2 = AddLinear("fc2", h, 10);
    }

    public CnnWidths Widths { get; }

    /// <summary>
    /// Give the convolutions their input in channels-last memory order, (B, 28, 28, M) in memory
    /// for the shape (B, M, 28, 28), which oneDNN convolves with other kernels than the
    /// default order. Off by default: with it a stack of one is no longer bit-identical to
    /// <see cref="LeNet"/>. What it costs or saves is measured in the benchmarks.
    /// </summary>
    public bool ChannelsLast { get; init; }

    /// <summary>
    /// Compute the convolutions, poolings and ReLUs in float32 with <see cref="LeNetTrunk"/>, the
    /// harness's own kernels, instead of LibTorch's (<see cref="ChannelsLast"/> then has no
    /// effect; other dtypes keep LibTorch's path). Off by default: its sums round differently, so
    /// a stack of one would no longer be bit-identical to <see cref="LeNet"/>.
    /// </summary>
    public bool HarnessKernels { get; init; }

    public override nn.Module<Tensor, Tensor> CreateSingle() => new LeNet(Widths);

    /// <inheritdoc/>
    /// <remarks>
    /// Images (N, 1, 28, 28) at (M, B) -> (B, M, 28, 28): gathered batch-major (member index
    /// fastest), so the rows land in the grouped layout without another copy.
    /// </remarks>
    public override Tensor Gather(Tensor source, Tensor indices)
    {
        using var batchMajor = indices.t();
        using var flat = batchMajor.reshape(-1);        // (B·M), member fastest
        using var rows = source.index_select(0, flat);  // (B·M, 1, 28, 28)
        return rows.view(indices.shape[1], Members * source.shape[1], source.shape[2], source.shape[3]);
    }

    /// <inheritdoc/>
    /// <remarks>Images (B, 1, 28, 28) -> (B, M, 28, 28), each image in every member's channel.</remarks>
    public override Tensor Broadcast(Tensor source) =>
        Members == 1 ? source.alias() : source.expand(source.shape[0], Members, source.shape[2], source.shape[3]);

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long batch = input.shape[0];
        int m = Members;
        if (HarnessKernels && input.dtype == ScalarType.Float32)
        {
            var features = LeNetTrunk.Apply(input, Stacked(conv1Weight), Stacked(conv1Bias), Stacked(conv2Weight), Stacked(conv2Bias)); // (M,B,C2·16)
            var hidden = nn.functional.relu(Linear(features, fc1));
            return Linear(hidden, fc2).MoveToOuterDisposeScope();
        }
        var x = ChannelsLast ? ToChannelsLast(input) : input;
        // Pooling before ReLU: relu(max(x)) = max(relu(x)) exactly, value and gradient (the window's
        // largest input gets the gradient either way, times 0 when it is not positive), and ReLU
        // then runs on a quarter of the values. LeNet pools after ReLU; the bit-identity tests
        // (a stack of one against LeNet, every loss and parameter after two epochs) cover the swap.
        x = nn.functional.conv2d(x, Stacked(conv1Weight), Stacked(conv1Bias), groups: m); // (B,M,28,28) -> (B,M·C1,24,24)
        x = nn.functional.relu(nn.functional.max_pool2d(x, 2));                             // -> (B,M·C1,12,12)
        x = nn.functional.conv2d(x, Stacked(conv2Weight), Stacked(conv2Bias), groups: m); // -> (B,M·C2,8,8)
        x = nn.functional.relu(nn.functional.max_pool2d(x, 2));                             // -> (B,M·C2,4,4)
        x = x.reshape(batch, m, Widths.Conv2 * 16).transpose(0, 1);                         // -> (M,B,C2·16), a view when contiguous
        x = nn.functional.relu(Linear(x, fc1));                                     // -> (M,B,H)
        return Linear(x, fc2).MoveToOuterDisposeScope();                            // -> (M,B,10) logits
    }

    /// <summary>The same values in channels-last memory order, still indexed (B, C, H, W).</summary>
    private static Tensor ToChannelsLast(Tensor x)
    {
        using var nhwc = x.permute(0, 2, 3, 1).contiguous(); // (B, H, W, C) in memory
        return nhwc.permute(0, 3, 1, 2);
    }
}
