using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Homework.Experiments.Training;

/// <summary>
/// Adam (Kingma and Ba 2015) without weight decay or AMSGrad, computed with the same LibTorch
/// operations, in the same order, as TorchSharp 0.107.0's <c>optim.Adam.step</c>:
/// m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε).
/// </summary>
/// <remarks>
/// <para>
/// On contiguous float32 and float64 tensors the step is three passes instead of eight LibTorch
/// calls (<see cref="FusedAdam"/>): both moments in one pass of the harness's own, the square
/// root by LibTorch (in place, in a buffer kept from step to step), the parameters in a second
/// pass. Each element is rounded exactly as LibTorch's calls round it with the AVX2 kernels the
/// harness pins (and the AVX-512 ones), so the results are the same bits (<c>FusedAdamTests</c>,
/// <c>OptimizersTests</c>, every golden file checked strictly). With ATen's
/// <c>ATEN_CPU_CAPABILITY=default</c> kernels, which round products and sums apart, they are not.
/// </para>
/// <para>
/// With <c>flat</c> the parameters are moved into one buffer (<see cref="FlatParameters"/>) and
/// each operation runs once over all of them: nine LibTorch calls a step instead of about eight
/// per parameter, rounded as the per-parameter calls round (they are elementwise). Every
/// parameter then has a gradient from the start, so it suits nets whose every parameter gets
/// one at every step, as the training loops' nets do.
/// </para>
/// </remarks>
public sealed class Adam : IOptimizer
{
    private readonly Parameter[] parameters;
    private readonly FlatParameters? flat;
    private readonly Tensor[] firstMoments;
    private readonly Tensor[] secondMoments;
    private readonly Tensor?[] roots;
    private readonly long[] steps;
    private readonly double learningRate, beta1, beta2, epsilon;
    private readonly bool fused;

    /// <param name="fused">Use <see cref="FusedAdam"/>'s passes where the tensors allow (the same bits); false makes LibTorch's calls, for the benchmarks.</param>
    public Adam(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2, double epsilon, bool flat = false, bool fused = true)
    {
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Adam's learning rate must be positive.");
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must not be negative.");
        this.parameters = [.. parameters];
        (this.learningRate, this.beta1, this.beta2, this.epsilon, this.fused) = (learningRate, beta1, beta2, epsilon, fused);
        this.flat = flat && this.parameters.Length > 0 ? new FlatParameters(this.parameters) : null;
        Tensor[] updated = this.flat is null ? this.parameters : [this.flat.Values];
        firstMoments = [.. updated.Select(p => zeros_like(p).DetachFromDisposeScope())];
        secondMoments = [.. updated.Select(p => zeros_like(p).DetachFromDisposeScope())];
        roots = new Tensor?[updated.Length];
        steps = new long[updated.Length];
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
        for (int i = 0; i < steps.Length; i++)
        {
            using var own = flat is null ? parameters[i].grad : null;
            var (value, grad) = flat is null ? ((Tensor)parameters[i], own) : (flat.Values, flat.Gradients);
            if (grad is null) continue;
            long t = ++steps[i];
            double correction1 = 1 - Math.Pow(beta1, t);
            double correction2 = 1 - Math.Pow(beta2, t);

            if (fused && FusedAdam.Applies(value, grad, firstMoments[i], secondMoments[i]))
            {
                var root = roots[i] ??= empty_like(value).DetachFromDisposeScope();
                bool tinyGiveEpsilon = FusedAdam.TinyGiveEpsilon(value.dtype, Math.Sqrt(correction2), epsilon);
                FusedAdam.Moments(grad, firstMoments[i], secondMoments[i], root, beta1, 1 - beta1, beta2, 1 - beta2, tinyGiveEpsilon);
                root.sqrt_();
                FusedAdam.Update(value, firstMoments[i], secondMoments[i], root, Math.Sqrt(correction2), epsilon, -(learningRate / correction1), tinyGiveEpsilon);
                continue;
            }
            using Scalar decay1 = beta1.ToScalar(), rest1 = (1 - beta1).ToScalar();
            using Scalar decay2 = beta2.ToScalar(), rest2 = (1 - beta2).ToScalar(), eps = epsilon.ToScalar(), one = 1.ToScalar();
            using Scalar rootCorrection2 = Math.Sqrt(correction2).ToScalar(), stepSize = (-(learningRate / correction1)).ToScalar();
            firstMoments[i].mul_(decay1).add_(grad, alpha: rest1);
            secondMoments[i].mul_(decay2).addcmul_(grad, grad, value: rest2);
            var denominator = secondMoments[i].sqrt().div(rootCorrection2).add_(eps, alpha: one);
            value.addcdiv_(firstMoments[i], denominator, value: stepSize);
        }
    }

    public void Dispose()
    {
        foreach (var moment in firstMoments.Concat(secondMoments)) moment.Dispose();
        foreach (var root in roots) root?.Dispose();
        flat?.Dispose();
    }
}
