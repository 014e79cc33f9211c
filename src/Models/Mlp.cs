using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Homework.Models;

/// <summary>
/// A fully connected network given by its layer widths, input first and output last
/// (micrograd's <c>MLP(nin, nouts)</c>): <c>[1, 190, 1]</c> is one hidden layer of 190
/// units. The activation follows every layer but the last. Inputs of more than two
/// dimensions are flattened, so MNIST images (N,1,28,28) go in as they are.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public Mlp(IReadOnlyList<int> widths, Activation activation = Activation.Relu, string name = "mlp") : base(name)
    {
        if (widths.Count < 2)
            throw new ArgumentException($"An MLP needs at least an input and an output width; got [{string.Join(", ", widths)}].", nameof(widths));
        if (widths.Any(w => w < 1))
            throw new ArgumentException($"Layer widths must be positive; got [{string.Join(", ", widths)}].", nameof(widths));

        Widths = widths.ToArray();
        Activation = activation;
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < widths.Count - 1; i++)
        {
            modules.Add(($"fc{i + 1}", nn.Linear(widths[i], widths[i + 1])));
            if (i < widths.Count - 2)
                modules.Add(($"act{i + 1}", Activations.Create(activation)));
        }
        layers = nn.Sequential(modules);
        RegisterComponents();
    }

    /// <summary>Layer widths, input first.</summary>
    public IReadOnlyList<int> Widths { get; }

    public Activation Activation { get; }

    /// <summary>Number of hidden layers (widths between input and output).</summary>
    public int HiddenLayers => Widths.Count - 2;

    /// <summary>Parameters of an MLP with these widths, counted by hand: weights plus biases.</summary>
    public static long CountParameters(IReadOnlyList<int> widths) =>
        Enumerable.Range(0, widths.Count - 1).Sum(i => (long)widths[i] * widths[i + 1] + widths[i + 1]);

    public override Tensor forward(Tensor input)
    {
        // (N, ...) -> (N, widths[0]) -> ... -> (N, widths[^1])
        using var x = input.dim() > 2 ? input.flatten(1) : input.alias();
        return layers.forward(x);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) layers.Dispose();
        base.Dispose(disposing);
    }
}
