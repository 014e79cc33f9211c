using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Training;

/// <summary>
/// The optimisers the experiments use, with every hyperparameter spelled out. The report
/// trains with PyTorch's <c>torch.optim.Adam</c>, whose defaults are β1 = 0.9, β2 = 0.999
/// and ε = 1e-8. TorchSharp's <c>optim.Adam</c> factory has defaulted β2 to 0.99 in some
/// versions of its source (0.107.0 uses 0.999), so the harness never relies on the
/// defaults: a package upgrade cannot silently change the optimiser of every experiment.
/// </summary>
public static class Optimizers
{
    public const double AdamBeta1 = 0.9;
    public const double AdamBeta2 = 0.999;
    public const double AdamEpsilon = 1e-8;

    /// <summary>Adam as PyTorch defines it by default, at the given learning rate.</summary>
    public static optim.Optimizer Adam(IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate) =>
        optim.Adam(parameters, lr: learningRate, beta1: AdamBeta1, beta2: AdamBeta2, eps: AdamEpsilon, weight_decay: 0, amsgrad: false);

    /// <summary>Plain SGD: no momentum, no weight decay.</summary>
    public static optim.Optimizer Sgd(IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate) =>
        optim.SGD(parameters, learningRate: learningRate, momentum: 0, weight_decay: 0);
}
