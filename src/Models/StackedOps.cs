using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Models;

/// <summary>The per-member operations of the stacked nets (<see cref="StackedModule"/>).</summary>
public static class StackedOps
{
    /// <summary>
    /// input + batch1 @ batch2, batch by batch (PyTorch's <c>torch.baddbmm(input, batch1, batch2)</c>),
    /// in one LibTorch call.
    /// </summary>
    /// <remarks>
    /// TorchSharp 0.107.0's <c>Tensor.baddbmm(batch1, batch2)</c> hands its native function
    /// (<c>THSTensor_baddbmm(batch1, batch2, mat)</c>) the tensor it is called on as <c>batch1</c>,
    /// so <c>a.baddbmm(b, c)</c> computes c + a @ b, not a + b @ c as its documentation says. This
    /// calls it in the order that gives the documented result; <c>StackedOpsTests</c> checks the
    /// result against <c>bmm</c> and <c>add</c>, so a TorchSharp that fixes the order fails there
    /// instead of silently computing something else.
    /// </remarks>
    public static Tensor AddBatchProduct(Tensor input, Tensor batch1, Tensor batch2) =>
        batch1.baddbmm(batch2, input);

    /// <summary>
    /// Every member's linear layer in one call: x (M, B, in), weightᵀ (M, in, out), bias (M, 1, out)
    /// -> (M, B, out), member m computing x[m] · weightᵀ[m] + bias[m].
    /// </summary>
    /// <remarks>
    /// The weights are kept transposed (in, out) per member and the biases with a unit batch
    /// dimension, so that the forward pass is this one call, with no transposed or unsqueezed
    /// views to make (and to differentiate) at every step.
    /// </remarks>
    public static Tensor BatchedLinear(Tensor x, Tensor weightTransposed, Tensor bias) =>
        AddBatchProduct(bias, x, weightTransposed);

    /// <summary>
    /// The one member of a stack of one, through the very call <c>nn.Linear</c> makes:
    /// x (1, B, in), weight (1, out, in) in <c>nn.Linear</c>'s layout, bias (1, out) -> (1, B, out).
    /// </summary>
    /// <remarks>
    /// A batched product of one matrix does not round like <c>linear</c>'s <c>addmm</c>: ATen
    /// multiplies matrices of fewer than 400 multiply-adds with its own loop instead of MKL's
    /// GEMM, and differentiates the product into the weight gradient xᵀ·δ, where
    /// <c>addmm</c>'s backward computes (δᵀ·x)ᵀ, another summation order (measured: the weight
    /// gradients differ in the last bits for most layer shapes). This path makes a stack of one
    /// bit-identical to the single net.
    /// </remarks>
    public static Tensor SingleLinear(Tensor x, Tensor weight, Tensor bias)
    {
        using var x0 = x.select(0, 0);
        using var w0 = weight.select(0, 0);
        using var b0 = bias.select(0, 0);
        using var y = nn.functional.linear(x0, w0, b0); // (B, in) -> (B, out)
        return y.unsqueeze(0);
    }
}
