using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Homework.Models;

/// <summary>
/// M independent <see cref="Mlp"/>s of the same widths and activation as one module: layer k's
/// weights are one tensor holding every member's, and each layer is one batched matrix product
/// for all members.
/// </summary>
/// <remarks>
/// Input (M, B, ...) with each member's own batch; dimensions after the second are flattened,
/// as <see cref="Mlp"/> flattens MNIST images. Output (M, B, widths[^1]). Inside, a stack of
/// nets no wider than <see cref="FeatureMajorUpToWidth"/> computes on (M, width, B)
/// (<see cref="StackedModule.FeatureMajorLinear"/>), any other on (M, B, width)
/// (<see cref="StackedOps.BatchedLinear"/>).
/// </remarks>
public sealed class StackedMlp : StackedModule
{
    private readonly (int Weight, int Bias)[] layers;
    private readonly nn.Module<Tensor, Tensor>[] activations;

    /// <param name="widths">Layer widths, input first, as for <see cref="Mlp"/>.</param>
    /// <param name="members">Number of independent nets (M).</param>
    /// <param name="activation">The nonlinearity after every layer but the last.</param>
    /// <param name="name">Module name.</param>
    public StackedMlp(IReadOnlyList<int> widths, int members, Activation activation = Activation.Relu, string name = "stacked-mlp")
        : base(name, members)
    {
        if (widths.Count < 2)
            throw new ArgumentException($"An MLP needs at least an input and an output width; got [{string.Join(", ", widths)}].", nameof(widths));
        if (widths.Any(w => w < 1))
            throw new ArgumentException($"Layer widths must be positive; got [{string.Join(", ", widths)}].", nameof(widths));
        Widths = widths.ToArray();
        Activation = activation;
        FeatureMajor = members > 1 && widths.All(w => w <= FeatureMajorUpToWidth);
        int layers = widths.Count - 1;
        this.layers = new (int, int)[layers];
        activations = new nn.Module<Tensor, Tensor>[layers - 1];
        for (int i = 0; i < layers; i++)
        {
            // In Mlp's parameters() order: fc1.weight, fc1.bias, fc2.weight, ...
            this.layers[i] = AddLinear($"fc{i + 1}", widths[i], widths[i + 1], FeatureMajor);
            if (i < layers - 1)
            {
                activations[i] = Activations.Create(activation);
                register_module($"act{i + 1}", activations[i]);
            }
        }
    }

    /// <summary>Layer widths, input first.</summary>
    public IReadOnlyList<int> Widths { get; }

    public Activation Activation { get; }

    /// <summary>
    /// Whether the stack computes on features first, (M, width, B), instead of (M, B, width):
    /// with more than one member, when no layer is wider than <see cref="FeatureMajorUpToWidth"/>.
    /// </summary>
    public bool FeatureMajor { get; }

    /// <summary>
    /// The widest layer of a stack that computes features first. The batched products of a
    /// stack of tiny nets (the 1-1 and 1-2 nets' 1 to 18 units) have one or two dimensions of
    /// 1 to 18 and the batch as the third; MKL multiplies them 2-5 times faster with the batch
    /// as the long side of the result (M, width, B) than as its rows, (M, B, width): measured
    /// on an AMD EPYC (Zen 4), thread CPU time, 50 members of 1-4-8-1 in float64 on a batch of
    /// 200, the three layers' forward and backward products took 236 µs instead of 625 µs.
    /// A member's values are the same either way up to rounding; a stack of one keeps the
    /// single net's layout (bit-identical to it).
    /// </summary>
    public const int FeatureMajorUpToWidth = 32;

    public override nn.Module<Tensor, Tensor> CreateSingle() => new Mlp(Widths, Activation);

    /// <inheritdoc/>
    /// <remarks>(N, ...) at (M, B) -> (M, B, ...), member first.</remarks>
    public override Tensor Gather(Tensor source, Tensor indices)
    {
        using var flat = indices.reshape(-1);
        using var rows = source.index_select(0, flat); // (M·B, ...)
        return rows.view([indices.shape[0], indices.shape[1], .. source.shape.Skip(1)]);
    }

    /// <inheritdoc/>
    /// <remarks>(B, ...) -> (M, B, ...) without copying (a stride-0 member dimension).</remarks>
    public override Tensor Broadcast(Tensor source)
    {
        using var one = source.unsqueeze(0);
        return one.expand([Members, .. source.shape]);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        // (M, B, ...) -> (M, B, widths[0]) -> ... -> (M, B, widths[^1])
        var x = input.dim() > 3 ? input.flatten(2) : input;
        if (FeatureMajor) x = x.transpose(1, 2); // (M, widths[0], B)
        for (int i = 0; i < layers.Length; i++)
        {
            x = FeatureMajor ? FeatureMajorLinear(x, layers[i]) : Linear(x, layers[i]);
            if (i < activations.Length) x = activations[i].forward(x);
        }
        if (FeatureMajor) x = x.transpose(1, 2); // (M, B, widths[^1])
        return x.MoveToOuterDisposeScope();
    }
}
