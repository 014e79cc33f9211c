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
    /// Every member's linear layer at once: x (M, B, in), weight (M, out, in), bias (M, out)
    /// -> (M, B, out), member m computing x[m] @ weight[m]ᵀ + bias[m] as <c>nn.Linear</c> does.
    /// </summary>
    /// <param name="singleKernel">
    /// With one member, compute it with <c>nn.functional.linear</c> on the member's 2-D views,
    /// the very call <c>nn.Linear</c> makes, instead of the batched product (see remarks).
    /// </param>
    /// <remarks>
    /// The weight keeps <c>nn.Linear</c>'s (out, in) layout, so a member's weight is the single
    /// net's and the product takes the transposed view as <c>linear</c> does. For one member
    /// the batched product need not round like <c>linear</c>'s <c>addmm</c>: ATen computes a
    /// batched product with fewer than 400 multiply-adds per matrix with its own loop instead
    /// of MKL's GEMM. <paramref name="singleKernel"/> makes a stack of one bit-identical to the
    /// single net.
    /// </remarks>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor bias, bool singleKernel = true)
    {
        if (singleKernel && x.shape[0] == 1)
        {
            using var x0 = x.select(0, 0);
            using var w0 = weight.select(0, 0);
            using var b0 = bias.select(0, 0);
            using var y = nn.functional.linear(x0, w0, b0); // (B, in) -> (B, out)
            return y.unsqueeze(0);
        }
        using var wt = weight.transpose(1, 2);  // (M, in, out), a view
        using var b = bias.unsqueeze(1);        // (M, 1, out), broadcast over the batch
        return AddBatchProduct(b, x, wt);       // (M, B, in) @ (M, in, out) + (M, 1, out)
    }
}
