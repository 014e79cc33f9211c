using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Homework.Models;

public static class ModuleExtensions
{
    /// <summary>Number of trainable scalars in the module.</summary>
    public static long ParameterCount(this nn.Module module) =>
        module.parameters().Sum(p => p.numel());

    /// <summary>
    /// Re-initialises every linear and convolution layer the way PyTorch does by default
    /// (weights and biases uniform in ±1/sqrt(fan_in)), drawing from <paramref name="generator"/>
    /// instead of the process-wide generator, so that runs on different threads stay
    /// independent and reproducible.
    /// </summary>
    public static T InitializeWith<T>(this T module, Generator generator) where T : nn.Module
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            (Tensor? weight, Tensor? bias) = child switch
            {
                Linear l => (l.weight, l.bias),
                Conv2d c => (c.weight, c.bias),
                _ => (null, null),
            };
            if (weight is null) continue;
            long fanIn = weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            double bound = 1.0 / Math.Sqrt(fanIn);
            // Tensor.uniform_, not nn.init.uniform_: TorchSharp 0.107's nn.init.uniform_ accepts a
            // generator but ignores it and draws from the process-wide one.
            weight.uniform_(-bound, bound, generator);
            bias?.uniform_(-bound, bound, generator);
        }
        return module;
    }

    /// <summary>All parameters flattened into one detached vector (copy).</summary>
    public static Tensor ParametersToVector(this nn.Module module)
    {
        using var scope = NewDisposeScope();
        return cat(module.parameters().Select(p => p.detach().flatten()).ToList(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>Copies a flat vector (as from <see cref="ParametersToVector"/>) into the parameters.</summary>
    public static void LoadVector(this nn.Module module, Tensor vector)
    {
        using var noGrad = no_grad();
        long offset = 0;
        var parameters = module.parameters().ToList();
        long total = parameters.Sum(p => p.numel());
        if (vector.numel() != total)
            throw new ArgumentException($"Vector has {vector.numel()} values; the module has {total} parameters.", nameof(vector));
        foreach (var p in parameters)
        {
            long n = p.numel();
            using var slice = vector.narrow(0, offset, n).view_as(p);
            p.copy_(slice);
            offset += n;
        }
    }
}
