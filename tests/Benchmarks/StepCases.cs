using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>
/// A kind of net an experiment trains, with the batching and loss it trains it with, as a
/// benchmark case: how to build the single net and the stack, data of the right shape, and
/// the multiply-adds of one sample.
/// </summary>
/// <param name="Name">Experiment part, net and batch.</param>
/// <param name="Single">A fresh single net.</param>
/// <param name="Stack">A fresh stack of M nets.</param>
/// <param name="Input">Shape of one input row.</param>
/// <param name="Classes">Classes for cross-entropy; 0 for regression (MSE on one output).</param>
/// <param name="Batch">Rows per step; the whole set when <paramref name="FullBatch"/>.</param>
/// <param name="FullBatch">Full-batch training (the function fits, 1-2's gradient norm and minimal ratio): one step an epoch, no shuffle.</param>
/// <param name="MultiplyAdds">Multiply-adds of one sample's forward pass.</param>
/// <param name="Dtype">float32, or float64 for the minimal ratio.</param>
/// <param name="Members">The stack sizes worth measuring.</param>
public sealed record NetCase(
    string Name,
    Func<nn.Module<Tensor, Tensor>> Single,
    Func<int, StackedModule> Stack,
    long[] Input,
    int Classes,
    int Batch,
    bool FullBatch,
    long MultiplyAdds,
    ScalarType Dtype,
    int[] Members)
{
    /// <summary>Whether ATen may use oneDNN for the convolutions (its default); false measures ATen's own.</summary>
    public bool Mkldnn { get; init; } = true;

    /// <summary>Whether a stack of MLPs computes its loss and gradient with the harness's kernels (<see cref="TanhMlpGradients"/>) instead of autograd.</summary>
    public bool HarnessGradients { get; init; }

    public override string ToString() => Name;

    /// <summary>Training steps in one benchmark operation (the BenchmarkDotNet OperationsPerInvoke).</summary>
    public const int Steps = 50;

    /// <summary>
    /// Training data for <see cref="Steps"/> steps: random inputs (the kernels' speed does not
    /// depend on the values) with targets of the loss's kind, from a seeded generator.
    /// </summary>
    public TensorSet Data(Generator g)
    {
        long rows = FullBatch ? Batch : (long)Batch * Steps;
        var x = randn([rows, .. Input], generator: g).to(Dtype);
        var y = Classes == 0 ? randn([rows, 1], generator: g).to(Dtype) : randint(0, Classes, [rows], generator: g);
        return new TensorSet(x, y);
    }

    /// <summary>Options that make one Fit exactly <see cref="Steps"/> steps, as the experiment trains.</summary>
    public TrainingOptions Options => new()
    {
        Epochs = FullBatch ? Steps : 1,
        BatchSize = FullBatch ? null : Batch,
        Shuffle = !FullBatch,
        Loss = Classes == 0 ? LossKind.MeanSquaredError : LossKind.CrossEntropy,
    };

    /// <summary>FLOPs of one training step of one net.</summary>
    public double StepFlops => FlopCounts.TrainingStep(MultiplyAdds, Batch);

    private static NetCase Mlp(string name, int[] widths, Activation activation, int batch, bool fullBatch, int[] members, ScalarType dtype = ScalarType.Float32) =>
        new(name, () => new Mlp(widths, activation), m => new StackedMlp(widths, m, activation),
            widths[0] == 784 ? [1, 28, 28] : [widths[0]], widths[^1] == 1 ? 0 : widths[^1], batch, fullBatch,
            FlopCounts.MlpMultiplyAdds(widths), dtype, members);

    private static NetCase Cnn(string name, CnnWidths widths, int[] members, bool channelsLast = false, bool mkldnn = true, bool harness = false) =>
        new(name, () => new LeNet(widths), m => new StackedCnn(widths, m) { ChannelsLast = channelsLast, HarnessKernels = harness }, [1, 28, 28], 10, 10, false,
            FlopCounts.CnnMultiplyAdds(widths), ScalarType.Float32, members) { Mkldnn = mkldnn };

    /// <summary>Every kind of net the experiments train, at the batch size they train it with.</summary>
    public static IReadOnlyList<NetCase> All { get; } =
    [
        Mlp("1-1 fit mlp571 full b1000", [1, 5, 10, 10, 10, 10, 10, 5, 1], Activation.LeakyRelu, 1000, true, [1, 5, 10]),
        Mlp("1-1 fit middle mlp572 full b1000", [1, 10, 18, 15, 4, 1], Activation.LeakyRelu, 1000, true, [1, 5, 10]),
        Mlp("1-1 fit shallow mlp571 full b1000", [1, 190, 1], Activation.LeakyRelu, 1000, true, [1, 2, 5, 10]),
        Mlp("1-2 paths mlp57 b50", [1, 4, 8, 1], Activation.LeakyRelu, 50, false, [1, 5, 10]),
        Mlp("1-2 minratio mlp57 f64 full b200", [1, 4, 8, 1], Activation.Tanh, 200, true, [1, 10, 100], ScalarType.Float64),
        Mlp("1-2 minratio mlp57 f64 full b200 harness", [1, 4, 8, 1], Activation.Tanh, 200, true, [10, 50, 100], ScalarType.Float64) with { HarnessGradients = true },
        Cnn("1-1 cnn5k b10", new CnnWidths(4, 8, 32), [1, 5, 10]),
        Cnn("1-1 cnn21k b10", new CnnWidths(8, 16, 64), [1, 5, 10]),
        Cnn("1-1 cnn5k b10 channels-last", new CnnWidths(4, 8, 32), [1, 5, 10], channelsLast: true),
        Cnn("1-1 cnn21k b10 channels-last", new CnnWidths(8, 16, 64), [1, 5, 10], channelsLast: true),
        Cnn("1-1 cnn5k b10 harness", new CnnWidths(4, 8, 32), [5, 10], harness: true),
        Cnn("1-1 cnn21k b10 harness", new CnnWidths(8, 16, 64), [5, 10], harness: true),
        Cnn("1-1 cnn5k b10 no-onednn", new CnnWidths(4, 8, 32), [1, 10], mkldnn: false),
        Cnn("1-1 cnn21k b10 no-onednn", new CnnWidths(8, 16, 64), [1, 10], mkldnn: false),
        Mlp("1-3 sens mlp17k b5", [784, 20, 30, 10], Activation.Relu, 5, false, [1, 5, 10]),
        Mlp("1-3 sens mlp17k b64", [784, 20, 30, 10], Activation.Relu, 64, false, [1, 5, 10]),
        Mlp("1-3 interp mlp51k b64", [784, 64, 10], Activation.Relu, 64, false, [1, 5, 10]),
        Mlp("1-3 randlab mlp670k b128", [784, 512, 512, 10], Activation.Relu, 128, false, [1, 5]),
        Mlp("1-3 params mlp932k b64", [784, 512, 512, 512, 10], Activation.LeakyRelu, 64, false, [1, 5]),
    ];
}

/// <summary>
/// <see cref="NetCase.Steps"/> training steps of one net with <see cref="Trainer"/> (today's
/// path) or of a stack of M with <see cref="StackedTrainer"/>, through the trainers' own code:
/// batch gather, forward, loss, backward, Adam, reading the loss.
/// </summary>
public sealed class StepRunner : IDisposable
{
    private readonly NetCase net;
    private readonly nn.Module<Tensor, Tensor>? single;
    private readonly StackedModule? stack;
    private readonly Generator[] generators;
    private readonly TensorSet data;
    private readonly bool mkldnnBefore;
    private readonly TrainingOptions options;

    /// <param name="flat">The optimiser over one flat buffer (the trainers' default), or over each parameter.</param>
    /// <param name="fused">Adam in the harness's fused passes (the trainers' default), or as LibTorch's calls.</param>
    public StepRunner(NetCase net, bool stacked, int members, bool flat = true, bool fused = true)
    {
        this.net = net;
        options = net.Options with { FlatParameters = flat, FusedOptimizer = fused };
        mkldnnBefore = LibTorchSwitches.Mkldnn;
        generators = [.. Enumerable.Range(0, members).Select(i => new Generator((ulong)(100 + i)))];
        using var dataGenerator = new Generator(7);
        data = net.Data(dataGenerator);
        if (stacked)
        {
            stack = net.Stack(members).InitializeMembers(generators);
            stack.to(net.Dtype);
        }
        else
        {
            if (members != 1) throw new ArgumentException("A single net is one member.", nameof(members));
            single = net.Single().InitializeWith(generators[0]);
            single.to(net.Dtype);
        }
    }

    /// <summary>Trains <see cref="NetCase.Steps"/> steps; returns the last epoch's loss (of member 0).</summary>
    public double Run()
    {
        LibTorchSwitches.Mkldnn = net.Mkldnn; // process-wide: set for every run, since runners interleave
        if (stack is not null)
        {
            var trainer = new StackedTrainer(options)
            {
                LossAndGradient = net.HarnessGradients ? (x, y) => TanhMlpGradients.MeanSquaredError((StackedMlp)stack, x, y) : null,
            };
            var history = trainer.Fit(stack, [.. Enumerable.Repeat(data, stack.Members)], null, generators);
            return history[0][^1].Loss;
        }
        return new Trainer(options).Fit(single!, data, null, generators[0])[^1].Loss;
    }

    public void Dispose()
    {
        LibTorchSwitches.Mkldnn = mkldnnBefore;
        single?.Dispose();
        stack?.Dispose();
        data.Inputs.Dispose();
        data.Targets.Dispose();
        foreach (var g in generators) g.Dispose();
    }
}
