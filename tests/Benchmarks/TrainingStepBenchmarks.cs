using BenchmarkDotNet.Attributes;
using Homework.Experiments.Core;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>
/// One Adam training step of each network the experiments train, at the batch size they
/// train it with, whole and split into its parts. The small nets are overhead-bound: their
/// time is a count of LibTorch calls (about 2 µs each), not of floating-point work.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    public sealed record Case(string Name, Func<nn.Module<Tensor, Tensor>> Model, long[] Input, int Classes)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Case> Cases() =>
    [
        new("1-1 mlp571 b1000", () => new Mlp([1, 5, 10, 10, 10, 10, 10, 5, 1], Activation.LeakyRelu), [1000, 1], 0),
        new("1-2 mlp57 b1000", () => new Mlp([1, 4, 8, 1], Activation.LeakyRelu), [1000, 1], 0),
        new("1-1 cnn5k b10", () => new LeNet(new CnnWidths(4, 8, 32)), [10, 1, 28, 28], 10),
        new("1-1 cnn21k b10", () => new LeNet(new CnnWidths(8, 16, 64)), [10, 1, 28, 28], 10),
        new("1-3 mlp17k b64", () => new Mlp([784, 20, 30, 10], Activation.LeakyRelu), [64, 1, 28, 28], 10),
        new("1-3 mlp932k b64", () => new Mlp([784, 512, 512, 512, 10], Activation.LeakyRelu), [64, 1, 28, 28], 10),
    ];

    [ParamsSource(nameof(Cases))]
    public Case Net { get; set; } = null!;

    /// <summary>LibTorch intra-op threads: 1 is the harness's default.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    private nn.Module<Tensor, Tensor> model = null!;
    private IOptimizer optimizer = null!;
    private optim.Optimizer torchSharpAdam = null!;
    private Tensor x = null!, y = null!;

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.UseThreads(Threads);
        using var g = new Generator(1);
        model = Net.Model().InitializeWith(g);
        optimizer = Optimizers.Adam(model.parameters(), 1e-3);
        torchSharpAdam = optim.Adam(model.parameters(), lr: 1e-3, beta1: Optimizers.AdamBeta1, beta2: Optimizers.AdamBeta2, eps: Optimizers.AdamEpsilon);
        x = randn(Net.Input, generator: g);
        y = Net.Classes == 0 ? randn([Net.Input[0], 1], generator: g) : randint(0, Net.Classes, [Net.Input[0]], generator: g);
    }

    private Tensor Loss(Tensor output) =>
        Net.Classes == 0 ? nn.functional.mse_loss(output, y) : nn.functional.cross_entropy(output, y);

    [Benchmark(Description = "forward")]
    public float Forward()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Loss(model.forward(x)).item<float>();
    }

    [Benchmark(Description = "forward + backward")]
    public float ForwardBackward()
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var loss = Loss(model.forward(x));
        loss.backward();
        return loss.item<float>();
    }

    [Benchmark(Baseline = true, Description = "whole step (+ Adam)")]
    public float Step()
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var loss = Loss(model.forward(x));
        loss.backward();
        optimizer.Step();
        return loss.item<float>();
    }

    /// <summary>
    /// The same step with TorchSharp's <c>optim.Adam</c>, which the harness replaced (its scalars
    /// can be freed during the native call; see the README): what keeping them alive costs.
    /// </summary>
    [Benchmark(Description = "whole step, TorchSharp's Adam")]
    public float StepWithTorchSharpAdam()
    {
        using var scope = NewDisposeScope();
        torchSharpAdam.zero_grad();
        var loss = Loss(model.forward(x));
        loss.backward();
        torchSharpAdam.step();
        return loss.item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        optimizer.Dispose();
        torchSharpAdam.Dispose();
        model.Dispose();
        x.Dispose();
        y.Dispose();
    }
}
