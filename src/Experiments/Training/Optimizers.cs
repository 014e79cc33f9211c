using TorchSharp.Modules;

namespace Homework.Experiments.Training;

/// <summary>What the training loops need of an optimiser.</summary>
public interface IOptimizer : IDisposable
{
    /// <summary>Sets the gradient of every parameter to zero (in place, as TorchSharp's optimisers do).</summary>
    void ZeroGrad();

    /// <summary>Updates every parameter that has a gradient.</summary>
    void Step();
}

/// <summary>
/// The optimisers the experiments use, with every hyperparameter spelled out. The report
/// trains with PyTorch's <c>torch.optim.Adam</c>, whose defaults are β1 = 0.9, β2 = 0.999
/// and ε = 1e-8. TorchSharp's <c>optim.Adam</c> factory has defaulted β2 to 0.99 in some
/// versions of its source (0.107.0 uses 0.999), so the harness never relies on the
/// defaults: a package upgrade cannot silently change the optimiser of every experiment.
/// </summary>
/// <remarks>
/// The update rules are the harness's own (<see cref="Adam"/>, <see cref="Sgd"/>), written as
/// TorchSharp 0.107.0's <c>optim.Adam</c> and <c>optim.SGD</c> write them, kernel for kernel,
/// so results are bit-identical to theirs; what differs is that every scalar they hand LibTorch
/// is kept alive for the call (see <see cref="Core.ScalarArithmetic"/>).
/// </remarks>
public static class Optimizers
{
    public const double AdamBeta1 = 0.9;
    public const double AdamBeta2 = 0.999;
    public const double AdamEpsilon = 1e-8;

    /// <summary>Adam as PyTorch defines it by default, at the given learning rate.</summary>
    /// <param name="flat">Update all parameters at once in one buffer (<see cref="FlatParameters"/>): for nets whose every parameter gets a gradient at every step.</param>
    /// <param name="fused">Adam's arithmetic in the harness's passes where the tensors allow (<see cref="FusedAdam"/>), bit-identical to LibTorch's calls; false makes the calls (for the benchmarks).</param>
    public static IOptimizer Adam(IEnumerable<Parameter> parameters, double learningRate, bool flat = false, bool fused = true) =>
        new Adam(parameters, learningRate, AdamBeta1, AdamBeta2, AdamEpsilon, flat, fused);

    /// <summary>Plain SGD: no momentum, no weight decay.</summary>
    /// <param name="flat">As for <see cref="Adam(IEnumerable{Parameter}, double, bool, bool)"/>.</param>
    public static IOptimizer Sgd(IEnumerable<Parameter> parameters, double learningRate, bool flat = false) =>
        new Sgd(parameters, learningRate, flat);
}
