using Homework.Experiments.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>The optimisers follow PyTorch's definitions, checked against the update rules written out.</summary>
public sealed class OptimizersTests
{
    /// <summary>Steps a single float64 parameter p through the given gradients (the loss g·p has gradient g).</summary>
    private static double[] Steps(Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer> create, params double[] gradients)
    {
        using var scope = NewDisposeScope();
        var p = new TorchSharp.Modules.Parameter(zeros(1, float64));
        using var optimizer = create([p]);
        var values = new List<double>();
        foreach (double g in gradients)
        {
            optimizer.zero_grad();
            (p * g).sum().backward();
            optimizer.step();
            values.Add(p.item<double>());
        }
        return [.. values];
    }

    /// <summary>Adam (Kingma and Ba 2015, Algorithm 1) with PyTorch's β1 = 0.9, β2 = 0.999, ε = 1e-8, from p = 0.</summary>
    private static double[] AdamByHand(double lr, params double[] gradients)
    {
        double m = 0, v = 0, p = 0;
        var values = new List<double>();
        for (int t = 1; t <= gradients.Length; t++)
        {
            double g = gradients[t - 1];
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            double mHat = m / (1 - Math.Pow(0.9, t));
            double vHat = v / (1 - Math.Pow(0.999, t));
            p -= lr * mHat / (Math.Sqrt(vHat) + 1e-8);
            values.Add(p);
        }
        return [.. values];
    }

    [Fact]
    public void Adam_uses_pytorchs_default_betas_and_epsilon()
    {
        // The first step is lr·sign(g) whatever the betas; the later ones tell β2 = 0.999 from 0.99.
        double[] gradients = [1.0, 0.5, -2.0, 0.25];
        double[] actual = Steps(ps => Optimizers.Adam(ps, 0.01), gradients);
        double[] expected = AdamByHand(0.01, gradients);
        for (int i = 0; i < expected.Length; i++)
            actual[i].Should().BeApproximately(expected[i], 1e-12, "step {0} of Adam", i + 1);
    }

    [Fact]
    public void The_hand_written_rule_tells_the_betas_apart()
    {
        // Guards the test above: with β2 = 0.99 the second step lands measurably elsewhere.
        double[] gradients = [1.0, 0.5];
        double[] beta99 = Steps(ps => optim.Adam(ps, lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8), gradients);
        Math.Abs(beta99[1] - AdamByHand(0.01, gradients)[1]).Should().BeGreaterThan(1e-6);
    }

    [Fact]
    public void Sgd_is_plain_gradient_descent()
    {
        Steps(ps => Optimizers.Sgd(ps, 0.1), 1.0, -3.0).Should().Equal(-0.1, 0.2);
    }
}
