using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Homework.Experiments.Training;

/// <summary>Plain gradient descent, p ← p − lr·g, as TorchSharp 0.107.0's <c>optim.SGD</c> computes it without momentum or weight decay.</summary>
/// <remarks>With <c>flat</c>, one update over a <see cref="FlatParameters"/> buffer (see <see cref="Adam"/>).</remarks>
public sealed class Sgd : IOptimizer
{
    private readonly Parameter[] parameters;
    private readonly FlatParameters? flat;
    private readonly double learningRate;

    public Sgd(IEnumerable<Parameter> parameters, double learningRate, bool flat = false)
    {
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "SGD's learning rate must be positive.");
        this.parameters = [.. parameters];
        this.learningRate = learningRate;
        this.flat = flat && this.parameters.Length > 0 ? new FlatParameters(this.parameters) : null;
    }

    public void ZeroGrad()
    {
        if (flat is not null) flat.ZeroGradients();
        else Gradients.Zero(parameters);
    }

    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var alpha = (-learningRate).ToScalar();
        if (flat is not null)
        {
            flat.Values.add_(flat.Gradients, alpha: alpha);
            return;
        }
        foreach (var parameter in parameters)
        {
            using var grad = parameter.grad;
            if (grad is not null) parameter.add_(grad, alpha: alpha);
        }
    }

    public void Dispose() => flat?.Dispose();
}

internal static class Gradients
{
    /// <summary>Zeroes each existing gradient in place, as TorchSharp's <c>Optimizer.zero_grad</c> does.</summary>
    public static void Zero(IEnumerable<Parameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }
}
