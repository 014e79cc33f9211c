using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Homework.Models;

/// <summary>
/// Layer widths of a <see cref="LeNet"/>: two 5x5 convolutions, each followed by ReLU
/// and 2x2 max-pooling, then a hidden fully connected layer and the 10-way output.
/// </summary>
/// <param name="Conv1">Channels of the first convolution.</param>
/// <param name="Conv2">Channels of the second convolution.</param>
/// <param name="Hidden">Units of the hidden fully connected layer.</param>
public sealed record CnnWidths(int Conv1, int Conv2, int Hidden)
{
    /// <summary>Parameters counted by hand: 5x5 kernels with biases, then two linear layers.</summary>
    public long ParameterCount =>
        (1L * 25 * Conv1 + Conv1) + (25L * Conv1 * Conv2 + Conv2) + (16L * Conv2 * Hidden + Hidden) + (10L * Hidden + 10);

    public override string ToString() => $"conv{Conv1}-conv{Conv2}-fc{Hidden}";
}

/// <summary>A LeNet-style CNN for 28x28 MNIST digits (the nets of the <c>mnist-cnn</c> experiment).</summary>
public sealed class LeNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Linear fc1;
    private readonly Linear fc2;

    public LeNet(CnnWidths widths, string name = "cnn") : base(name)
    {
        Widths = widths;
        conv1 = nn.Conv2d(1, widths.Conv1, kernel_size: 5);
        conv2 = nn.Conv2d(widths.Conv1, widths.Conv2, kernel_size: 5);
        fc1 = nn.Linear(widths.Conv2 * 4 * 4, widths.Hidden);
        fc2 = nn.Linear(widths.Hidden, 10);
        RegisterComponents();
    }

    public CnnWidths Widths { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(input)), 2); // (N,1,28,28) -> (N,C1,24,24) -> (N,C1,12,12)
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);         // -> (N,C2,8,8) -> (N,C2,4,4)
        x = nn.functional.relu(fc1.forward(x.flatten(1)));                           // -> (N,C2*16) -> (N,H)
        return fc2.forward(x).MoveToOuterDisposeScope();                           // -> (N,10) logits
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            conv2.Dispose();
            fc1.Dispose();
            fc2.Dispose();
        }
        base.Dispose(disposing);
    }
}
