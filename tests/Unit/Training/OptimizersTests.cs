using FluentAssertions;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>The optimisers follow PyTorch's definitions, checked against the update rules written out and against TorchSharp's own.</summary>
public sealed class OptimizersTests
{
    /// <summary>Lets a TorchSharp optimiser stand where the harness's go.</summary>
    private sealed class TorchSharpOptimizer(optim.Optimizer inner) : IOptimizer
    {
        public void ZeroGrad() => inner.zero_grad();
        public void Step() => inner.step();
        public void Dispose() => inner.Dispose();
    }

    /// <summary>Steps a single float64 parameter p through the given gradients (the loss g·p has gradient g).</summary>
    private static double[] Steps(Func<IEnumerable<TorchSharp.Modules.Parameter>, IOptimizer> create, params double[] gradients)
    {
        using var scope = NewDisposeScope();
        var p = new TorchSharp.Modules.Parameter(zeros(1, float64));
        using var optimizer = create([p]);
        var values = new List<double>();
        foreach (double g in gradients)
        {
            optimizer.ZeroGrad();
            (p * g).sum().backward();
            optimizer.Step();
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

    /// <summary>Trains a small float32 MLP for some full-batch steps and returns its parameters.</summary>
    private static float[] Train(Func<IEnumerable<TorchSharp.Modules.Parameter>, IOptimizer> create, int steps)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var model = new Mlp([1, 10, 10, 1], Activation.Tanh).InitializeWith(generator);
        var x = rand([64, 1], generator: generator);
        var y = sin(x.mul(torch.tensor(5f)));
        using var optimizer = create(model.parameters());
        for (int i = 0; i < steps; i++)
        {
            using var step = NewDisposeScope();
            optimizer.ZeroGrad();
            nn.functional.mse_loss(model.forward(x), y).backward();
            optimizer.Step();
        }
        return cat(model.parameters().Select(p => p.detach().flatten()).ToList(), 0).data<float>().ToArray();
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
        double[] beta99 = Steps(ps => new Adam(ps, 0.01, 0.9, 0.99, 1e-8), gradients);
        Math.Abs(beta99[1] - AdamByHand(0.01, gradients)[1]).Should().BeGreaterThan(1e-6);
    }

    [Fact]
    public void Adam_is_bit_identical_to_torchsharps()
    {
        // The golden files and the reference run were made with TorchSharp's optim.Adam.
        float[] ours = Train(ps => Optimizers.Adam(ps, 1e-2), steps: 40);
        float[] theirs = Train(ps => new TorchSharpOptimizer(optim.Adam(ps, lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8)), steps: 40);
        ours.Should().Equal(theirs);
        Train(ps => Optimizers.Adam(ps, 1e-2), steps: 0).Should().NotEqual(ours, "the comparison needs parameters that moved");
    }

    [Fact]
    public void Sgd_is_plain_gradient_descent()
    {
        Steps(ps => Optimizers.Sgd(ps, 0.1), 1.0, -3.0).Should().Equal(-0.1, 0.2);
    }

    [Fact]
    public void Sgd_is_bit_identical_to_torchsharps()
    {
        float[] ours = Train(ps => Optimizers.Sgd(ps, 0.1), steps: 40);
        float[] theirs = Train(ps => new TorchSharpOptimizer(optim.SGD(ps, learningRate: 0.1)), steps: 40);
        ours.Should().Equal(theirs);
    }

    [Fact]
    public void A_parameter_without_a_gradient_is_left_alone()
    {
        using var scope = NewDisposeScope();
        var used = new TorchSharp.Modules.Parameter(ones(1));
        var unused = new TorchSharp.Modules.Parameter(ones(1));
        using var optimizer = Optimizers.Adam([used, unused], 0.1);
        optimizer.ZeroGrad();
        (used * 2).sum().backward();
        optimizer.Step();
        used.item<float>().Should().BeApproximately(0.9f, 1e-6f);
        unused.item<float>().Should().Be(1f);
    }

    [Theory]
    [InlineData(0.0, 0.9, 0.999, 1e-8, "learning rate")]
    [InlineData(1e-3, 1.0, 0.999, 1e-8, "β1")]
    [InlineData(1e-3, 0.9, -0.1, 1e-8, "β2")]
    [InlineData(1e-3, 0.9, 0.999, -1.0, "ε")]
    public void Adam_rejects_hyperparameters_outside_their_range(double lr, double beta1, double beta2, double eps, string named)
    {
        var act = () => new Adam([], lr, beta1, beta2, eps);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*{named}*");
    }
}
