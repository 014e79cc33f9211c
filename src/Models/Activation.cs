using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Models;

/// <summary>The nonlinearity between the layers of a network.</summary>
public enum Activation
{
    Relu,
    LeakyRelu,
    Tanh,
    Sigmoid,
    Elu,
}

public static class Activations
{
    /// <summary>A fresh module for the activation (modules hold no parameters here).</summary>
    public static nn.Module<Tensor, Tensor> Create(Activation activation) => activation switch
    {
        Activation.Relu => nn.ReLU(),
        Activation.LeakyRelu => new LeakyRelu(0.01),
        Activation.Tanh => nn.Tanh(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.Elu => new Elu(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Unknown activation; valid: {string.Join(", ", Enum.GetNames<Activation>())}."),
    };
}

// nn.LeakyReLU and nn.ELU of TorchSharp 0.107.0 convert their constants to Scalars that only a
// finalizer frees, and the finalizer may free one on another thread while LibTorch is still
// reading it (see Homework.Experiments.Core.ScalarArithmetic). These two run the same kernels
// with each Scalar alive until the call returns.

/// <summary>max(x, slope·x), as <c>nn.LeakyReLU</c> computes it.</summary>
public sealed class LeakyRelu(double negativeSlope) : nn.Module<Tensor, Tensor>("LeakyReLU")
{
    public double NegativeSlope { get; } = negativeSlope;

    public override Tensor forward(Tensor input)
    {
        using var slope = NegativeSlope.ToScalar();
        return input.leaky_relu(slope);
    }
}

/// <summary>x for x &gt; 0, eˣ − 1 otherwise (α = 1), as <c>nn.ELU</c> computes it.</summary>
public sealed class Elu() : nn.Module<Tensor, Tensor>("ELU")
{
    public override Tensor forward(Tensor input)
    {
        using Scalar alpha = 1.0.ToScalar(), scale = 1.0.ToScalar(), inputScale = 1.0.ToScalar();
        return input.elu(alpha, scale, inputScale);
    }
}
