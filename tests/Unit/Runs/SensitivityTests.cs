using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Runs;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Runs;

/// <summary>The 1-3 sensitivity measures against hand-derived values, and the net's size against the report's.</summary>
public sealed class SensitivityTests
{
    public SensitivityTests() => TorchRuntime.UseThreads(1);

    [Fact]
    public void The_net_has_16640_parameters_and_no_two_hidden_layer_net_has_the_reports_16630()
    {
        using var net = new Mlp(SensitivityConfig.Full.Widths);
        net.ParameterCount().Should().Be(16_640); // 784·20+20 + 20·30+30 + 30·10+10 = 15,700 + 630 + 310
        // 785a + (a+1)b + 10(b+1) = 16,630 means (a+11)(b+785) = 25,255 = 5·5,051 (prime): no positive a, b.
        var exact = from a in Enumerable.Range(1, 2000) from b in Enumerable.Range(1, 2000)
                    where Mlp.CountParameters([784, a, b, 10]) == 16_630 select (a, b);
        exact.Should().BeEmpty();
    }

    /// <summary>A linear classifier z = Wx + b: its Jacobian is W for every sample, its loss gradient Wᵀ(softmax(z) − onehot(y)).</summary>
    private static (Mlp Net, TensorSet Set) Linear(int samples)
    {
        using var g = new Generator(5);
        var net = new Mlp([6, 3]).InitializeWith(g);
        var x = randn([samples, 6], generator: g);
        var y = randint(0, 3, [samples], generator: g);
        return (net, new TensorSet(x, y));
    }

    private static double[] PerSampleGradientNorms(Mlp net, TensorSet set)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = net.parameters().First(); // (3,6)
        var p = nn.functional.softmax(net.forward(set.Inputs), 1);
        var residual = p - nn.functional.one_hot(set.Targets, 3).to(float32); // (n,3)
        return residual.matmul(w).norm(1).data<float>().Select(v => (double)v).ToArray(); // (n,6) -> (n)
    }

    [Fact]
    public void The_jacobian_measure_of_a_linear_net_is_the_frobenius_norm_of_its_weights()
    {
        var (net, set) = Linear(10);
        double expected = net.parameters().First().norm().ToDouble();
        Sensitivity.JacobianNorm(net, set, chunk: 4).Should().BeApproximately(expected, 1e-5);
    }

    [Fact]
    public void The_per_sample_measure_is_the_mean_norm_of_each_samples_own_loss_gradient()
    {
        var (net, set) = Linear(10);
        Sensitivity.LossGradientNorm(net, set, chunk: 3).Should().BeApproximately(PerSampleGradientNorms(net, set).Average(), 1e-5);
    }

    [Fact]
    public void The_reports_measure_divides_each_gradient_by_the_batch_size_and_drops_a_partial_batch()
    {
        var (net, set) = Linear(10);
        double[] g = PerSampleGradientNorms(net, set);
        // Batches of 4: samples 0-3 and 4-7; 8-9 are dropped. Each: (1/4)·√(Σ‖gᵢ‖²).
        double Batch(int from) => Math.Sqrt(g.Skip(from).Take(4).Sum(v => v * v)) / 4;
        Sensitivity.ReportMeasure(net, set, 4).Should().BeApproximately((Batch(0) + Batch(4)) / 2, 1e-6);
    }

    [Fact]
    public void On_one_repeated_sample_the_reports_measure_shrinks_like_one_over_the_square_root_of_the_batch()
    {
        var (net, set) = Linear(1);
        var repeated = new TensorSet(set.Inputs.repeat(16, 1), set.Targets.repeat(16));
        double single = Sensitivity.LossGradientNorm(net, repeated);
        foreach (int batch in new[] { 1, 4, 16 })
            Sensitivity.ReportMeasure(net, repeated, batch).Should().BeApproximately(single / Math.Sqrt(batch), 1e-6);
    }

    [Fact]
    public void The_batched_jacobian_of_a_deep_net_matches_one_sample_at_a_time()
    {
        using var g = new Generator(11);
        using var net = new Mlp([5, 7, 6, 4], Activation.Tanh).InitializeWith(g);
        var set = new TensorSet(randn([9, 5], generator: g), zeros(9, dtype: int64));
        double oneByOne = Enumerable.Range(0, 9)
            .Select(i => Sensitivity.JacobianNorm(net, new TensorSet(set.Inputs.narrow(0, i, 1), set.Targets.narrow(0, i, 1))))
            .Average();
        Sensitivity.JacobianNorm(net, set).Should().BeApproximately(oneByOne, 1e-5);
    }

    [Fact]
    public void The_measures_leave_the_parameters_without_gradients()
    {
        var (net, set) = Linear(8);
        Sensitivity.ReportMeasure(net, set, 4);
        Sensitivity.LossGradientNorm(net, set);
        Sensitivity.JacobianNorm(net, set);
        net.parameters().All(p => p.grad is null).Should().BeTrue();
    }
}
