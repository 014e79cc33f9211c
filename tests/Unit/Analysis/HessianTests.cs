using Homework.Experiments.Analysis;
using Homework.Experiments.Core;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Analysis;

/// <summary>The exact (double-backward) Hessian against central finite differences of the gradient.</summary>
public sealed class HessianTests
{
    public HessianTests() => TorchRuntime.UseThreads(1);

    [Fact]
    public void The_hessian_of_a_tiny_net_matches_finite_differences()
    {
        using var g = new Generator(11);
        using var net = new Mlp([1, 3, 1], Activation.Tanh).InitializeWith(g);
        net.to(float64);
        using var x = linspace(-1, 1, 7, dtype: float64).unsqueeze(1);
        using var y = x.sin();
        var parameters = net.parameters().Cast<Tensor>().ToList();
        Tensor Loss() => nn.functional.mse_loss(net.forward(x), y);

        using var exact = Hessian.Of(Loss(), parameters);
        long p = exact.shape[0];
        p.Should().Be(10);

        using var theta = net.ParametersToVector().to(float64);
        const double h = 1e-5;
        var numeric = new double[p, p];
        for (int j = 0; j < p; j++)
        {
            double[] Gradient(double shift)
            {
                using var shifted = theta.clone();
                shifted[j] += shift;
                net.LoadVector(shifted);
                using var gradient = Hessian.FlatGradient(Loss(), parameters, createGraph: false);
                return gradient.data<double>().ToArray();
            }
            double[] plus = Gradient(h), minus = Gradient(-h);
            for (int i = 0; i < p; i++) numeric[i, j] = (plus[i] - minus[i]) / (2 * h);
        }
        net.LoadVector(theta);

        double[] flat = exact.data<double>().ToArray();
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                flat[i * p + j].Should().BeApproximately((numeric[i, j] + numeric[j, i]) / 2, 1e-6, $"H[{i},{j}]");
    }

    [Fact]
    public void Eigenvalues_of_a_known_symmetric_matrix()
    {
        using var m = tensor(new double[] { 2, 1, 1, 2 }, [2, 2]);
        Hessian.Eigenvalues(m).Should().Equal([1.0, 3.0], (a, b) => Math.Abs(a - b) < 1e-12);
    }
}
