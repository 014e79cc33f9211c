using BenchmarkDotNet.Attributes;
using Homework.Experiments.Core;

namespace Homework.Benchmarks;

/// <summary>
/// Forward + backward of each convolution layer of the MNIST CNNs (batch 10) for one net and
/// for a stack of 10, by every <see cref="ConvPath"/>: oneDNN or ATen's own kernels, default or
/// channels-last memory order, grouped convolution or im2col + batched product, and the
/// members folded into the batch as a reference with the same FLOPs. With the FLOP rate
/// against the sgemm peak (issue 15).
/// </summary>
[Config(typeof(FlopRateConfig))]
public class ConvolutionBenchmarks
{
    /// <param name="Layer">The layer.</param>
    /// <param name="Members">Nets whose layer is computed at once.</param>
    /// <param name="Threads">LibTorch intra-op threads; 1 is the harness's default.</param>
    public sealed record ConvCase(ConvLayer Layer, int Members, int Threads) : IFlopCase
    {
        public double Flops => Members * Layer.ForwardBackwardFlops;
        public override string ToString() => $"{Layer.Name} x{Members}{(Threads > 1 ? $", {Threads} threads" : "")}";
    }

    /// <summary>One net and a stack of 10 with one thread; the stack also with two.</summary>
    public static IEnumerable<ConvCase> Cases() =>
        ConvLayer.All.SelectMany(layer => new[] { new ConvCase(layer, 1, 1), new ConvCase(layer, 10, 1), new ConvCase(layer, 10, 2) });

    [ParamsSource(nameof(Cases))]
    public ConvCase Case { get; set; } = null!;

    [ParamsAllValues]
    public ConvPath Path { get; set; }

    private ConvRunner runner = null!;

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.UseThreads(Case.Threads);
        runner = new ConvRunner(Case.Layer, Path, Case.Members);
    }

    [Benchmark(Description = "conv forward + backward")]
    public long ForwardBackward() => runner.ForwardBackward();

    [GlobalCleanup]
    public void Cleanup()
    {
        runner.Dispose();
        TorchRuntime.UseThreads(1);
    }
}
