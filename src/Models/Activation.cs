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
        Activation.LeakyRelu => nn.LeakyReLU(0.01),
        Activation.Tanh => nn.Tanh(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.Elu => nn.ELU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Unknown activation; valid: {string.Join(", ", Enum.GetNames<Activation>())}."),
    };
}
