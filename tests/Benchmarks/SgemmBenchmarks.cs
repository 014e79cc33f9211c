using BenchmarkDotNet.Attributes;
using Homework.Experiments.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Benchmarks;

/// <summary>
/// The arithmetic limit the training steps are measured against: one float32 matrix product
/// C = A·B of n x n matrices (MKL's sgemm through LibTorch), 2n³ FLOPs, with 1 and 2 threads.
/// </summary>
[Config(typeof(FlopRateConfig))]
public class SgemmBenchmarks
{
    public sealed record Shape(int N) : IFlopCase
    {
        public double Flops => 2.0 * N * N * N;
        public int Members => 1;
        public override string ToString() => $"sgemm {N}x{N}";
    }

    public static IEnumerable<Shape> Shapes() => [new(SgemmPeak.Size)];

    [ParamsSource(nameof(Shapes))]
    public Shape Case { get; set; } = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    private Tensor a = null!, b = null!;

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.UseThreads(Threads);
        using var g = new Generator(1);
        a = randn([Case.N, Case.N], generator: g);
        b = randn([Case.N, Case.N], generator: g);
    }

    [Benchmark(Description = "C = A·B")]
    public long Product()
    {
        using var c = a.mm(b);
        return c.shape[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        a.Dispose();
        b.Dispose();
        TorchRuntime.UseThreads(1);
    }
}
