using Homework.Experiments.Training;

namespace Homework.Tests.Unit.Training;

/// <summary>One convergence rule: the fit level of the task's reference loss, and a flat best loss.</summary>
public sealed class ConvergenceTests
{
    private static readonly Convergence Rule = new(Window: 10);

    private static double[] Curve(int epochs, Func<int, double> loss) => Enumerable.Range(0, epochs).Select(loss).ToArray();

    [Fact]
    public void A_stuck_net_flat_at_a_high_loss_has_not_converged()
    {
        // A sign fit stuck at MSE 0.54 against a target variance of 0.955: perfectly flat, far from a fit.
        var stuck = Curve(100, i => 0.54 + 0.001 * Math.Exp(-i));
        Rule.Epoch(stuck, reference: 0.955).Should().BeNull();
        Rule.AtEnd(stuck, reference: 0.955).Should().BeFalse();
    }

    [Fact]
    public void A_slowly_improving_excellent_fit_has_converged()
    {
        // Reaches 1e-6 and keeps halving every 20 epochs: still improving in relative terms, done in absolute ones.
        var excellent = Curve(200, i => 1e-6 * Math.Pow(0.5, i / 20.0));
        Rule.Epoch(excellent, reference: 0.087).Should().Be(1);
        Rule.AtEnd(excellent, reference: 0.087).Should().BeTrue();
    }

    [Fact]
    public void A_loss_that_falls_into_the_fit_level_converges_once_it_has_flattened()
    {
        // From 1 down to 0.01 by epoch 50 (reference 1), then flat.
        var loss = Curve(100, i => Math.Pow(0.01, Math.Min(i, 50) / 50.0));
        int epoch = Rule.Epoch(loss, reference: 1)!.Value;
        epoch.Should().BeInRange(30, 51);
        loss[epoch - 1].Should().BeLessThanOrEqualTo(0.1);
    }

    [Fact]
    public void A_loss_still_falling_steeply_at_the_end_has_not_converged()
    {
        var loss = Curve(30, i => 1 - i / 30.0);
        Rule.Epoch(loss, reference: 1).Should().BeNull();
        Rule.AtEnd(loss, reference: 1).Should().BeFalse();
        Rule.Remaining(loss, reference: 1).Drop.Should().BeApproximately(10 / 30.0, 1e-12);
    }

    [Fact]
    public void Spikes_do_not_hide_a_plateau()
    {
        var loss = Curve(60, i => i % 7 == 3 ? 10 : 0.01);
        Rule.Epoch(loss, reference: 1).Should().Be(1);
    }
}
