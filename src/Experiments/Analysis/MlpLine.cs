using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Analysis;

/// <summary>
/// Cross-entropy and accuracy of an <see cref="Mlp"/> classifier at the points
/// θ(α) = (1 − α)·θ1 + α·θ2 of the line through two of its parameter vectors, on one set, for a
/// small part of what loading each θ(α) into the net and evaluating it costs.
/// </summary>
/// <remarks>
/// The first layer's pre-activations are linear in its parameters: with Z1 = X·W1ᵀ + b1 and
/// Z2 = X·W2ᵀ + b2 (W and b the first layer's weights and biases in θ1 and θ2), θ(α) gives
/// Z1 + α·(Z2 − Z1). Z1 and Z2 − Z1 are computed once, when the line is made, and every α is one
/// addition; only the layers after the first run per α. In a 784-64-10 net the first layer holds
/// 99% of the arithmetic: interpolation's 20 quick lines of 35 values of α took 7.6 s this way
/// against 44.6 s as whole passes (README, "The interpolation lines"). The numbers equal
/// <see cref="Trainer.Evaluate"/> of the net loaded with θ(α) up to float32 rounding (the same
/// sums, grouped differently), not bit for bit.
/// </remarks>
public sealed class MlpLine : IDisposable
{
    private readonly Tensor start, change, rest1, rest2, targets;
    private readonly Mlp? tail;
    private readonly nn.Module<Tensor, Tensor>? activation;

    /// <param name="widths">The net's layer widths, input first, as <see cref="Mlp"/> takes them.</param>
    /// <param name="activation">The net's activation.</param>
    /// <param name="theta1">The net's parameters at α = 0, one flat vector in <c>parameters()</c> order.</param>
    /// <param name="theta2">The net's parameters at α = 1, in the same order.</param>
    /// <param name="set">The images and class labels the loss and accuracy are measured on (kept by reference, not copied).</param>
    public MlpLine(IReadOnlyList<int> widths, Activation activation, Tensor theta1, Tensor theta2, TensorSet set)
    {
        long total = Mlp.CountParameters(widths);
        if (theta1.numel() != total || theta2.numel() != total)
            throw new ArgumentException($"A net of widths [{string.Join(", ", widths)}] has {total} parameters, but the line's ends have {theta1.numel()} and {theta2.numel()}: pass both ends' flat parameter vectors.");
        using var noGrad = no_grad();
        long inputs = widths[0], units = widths[1], weights = inputs * units;
        using var x = set.Inputs.reshape(set.Count, inputs);
        Tensor PreActivations(Tensor theta)
        {
            using var w = theta.narrow(0, 0, weights).view(units, inputs);
            using var wt = w.t();
            using var b = theta.narrow(0, weights, units);
            return b.addmm(x, wt);
        }
        start = PreActivations(theta1);
        using (var end = PreActivations(theta2))
            change = end - start;
        rest1 = theta1.narrow(0, weights + units, total - weights - units).clone();
        rest2 = theta2.narrow(0, weights + units, total - weights - units).clone();
        targets = set.Targets.alias();
        if (widths.Count > 2)
        {
            this.activation = Activations.Create(activation);
            tail = new Mlp([.. widths.Skip(1)], activation);
            tail.eval();
        }
    }

    /// <summary>Mean cross-entropy and accuracy of the net at θ(<paramref name="alpha"/>) on the set.</summary>
    public Evaluation At(double alpha)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor output;
        using (var a = alpha.ToScalar())
            output = start.add(change, a);
        if (tail is not null)
        {
            tail.LoadVector(Between(rest1, rest2, alpha));
            output = tail.forward(activation!.forward(output));
        }
        long n = targets.shape[0];
        double loss = nn.functional.cross_entropy(output, targets, reduction: nn.Reduction.Sum).ToDouble() / n;
        long correct = output.argmax(1).eq(targets).sum().item<long>();
        return new Evaluation(loss, (double)correct / n);
    }

    /// <summary>The line's point θ(α) = (1 − α)·θ1 + α·θ2.</summary>
    public static Tensor Between(Tensor theta1, Tensor theta2, double alpha) => theta1.Times(1 - alpha).Plus(theta2.Times(alpha));

    public void Dispose()
    {
        foreach (var t in new[] { start, change, rest1, rest2, targets }) t.Dispose();
        tail?.Dispose();
        activation?.Dispose();
    }
}
