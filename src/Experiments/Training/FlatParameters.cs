using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Homework.Experiments.Training;

/// <summary>
/// A module's parameters moved into one flat buffer, and their gradients into another: each
/// parameter becomes a view of its slice of <see cref="Values"/> (LibTorch's <c>set_</c>, so
/// the module keeps the very same tensors) and its gradient a view of its slice of
/// <see cref="Gradients"/>. An elementwise optimiser then updates every parameter with one
/// LibTorch call per operation instead of one per parameter and operation.
/// </summary>
/// <remarks>
/// <para>
/// Autograd accumulates a backward pass into a gradient that already exists in place
/// (<c>grad += new</c>, when the backward does not build a graph of its own), so the gradients
/// stay views of <see cref="Gradients"/> from step to step; <see cref="ZeroGradients"/> zeroes
/// them all at once. Every parameter has a (zero) gradient from the start, so a parameter
/// that no loss reaches is still handed to the optimiser, which is why only the training loops,
/// whose nets use every parameter at every step, use this.
/// </para>
/// <para>
/// Nothing else changes: the values are copied as they are, and an elementwise operation
/// computes each element alone, so an optimiser step over the buffer rounds as the same
/// step over each parameter does. <c>FlatParametersTests</c> checks that training with it is
/// bit-identical to training without.
/// </para>
/// </remarks>
public sealed class FlatParameters : IDisposable
{
    /// <param name="parameters">Parameters of one dtype and device, none a view of another.</param>
    public FlatParameters(IReadOnlyList<Parameter> parameters)
    {
        if (parameters.Count == 0) throw new ArgumentException("No parameters to flatten.", nameof(parameters));
        var dtype = parameters[0].dtype;
        var device = parameters[0].device;
        if (parameters.Any(p => p.dtype != dtype || p.device.type != device.type))
            throw new ArgumentException($"Parameters of one dtype and device only; got {string.Join(", ", parameters.Select(p => $"{p.dtype} on {p.device}").Distinct())}.", nameof(parameters));
        long total = parameters.Sum(p => p.numel());
        Values = empty(total, dtype, device);
        Gradients = zeros(total, dtype, device);
        using var noGrad = no_grad();
        long offset = 0;
        foreach (var parameter in parameters)
        {
            long count = parameter.numel();
            using (var slice = Values.narrow(0, offset, count))
            using (var values = slice.view(parameter.shape))
            {
                values.copy_(parameter);
                parameter.set_(values);
            }
            using (var slice = Gradients.narrow(0, offset, count))
                parameter.grad = slice.view(parameter.shape);
            offset += count;
        }
    }

    /// <summary>Every parameter's values, in the order given, flattened one after another.</summary>
    public Tensor Values { get; }

    /// <summary>Every parameter's gradient, laid out as <see cref="Values"/>.</summary>
    public Tensor Gradients { get; }

    /// <summary>Zeroes every gradient in place.</summary>
    public void ZeroGradients() => Gradients.zero_();

    public void Dispose()
    {
        Values.Dispose();
        Gradients.Dispose();
    }
}
