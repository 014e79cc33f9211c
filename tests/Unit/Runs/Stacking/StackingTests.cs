using Homework.Experiments.Core;
using Homework.Experiments.Data;

namespace Homework.Tests.Unit.Runs.Stacking;

/// <summary>
/// What the experiment-level stacking tests share: one LibTorch thread (a stacked and a separate
/// training must take the same kernels to be compared bit for bit), and for the MNIST experiments
/// one synthetic MNIST (<see cref="SyntheticMnist"/>, read-only) with a run context over it.
/// </summary>
public abstract class StackingTests
{
    protected StackingTests() => TorchRuntime.UseThreads(1);

    private static readonly Lazy<MnistData> Synthetic = new(() => SyntheticMnist.Create());

    protected static MnistData Data => Synthetic.Value;

    protected static RunContext Context => new() { MnistData = Data };
}
