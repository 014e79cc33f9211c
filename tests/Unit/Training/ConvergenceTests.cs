using Homework.Experiments.Training;

namespace Homework.Tests.Unit.Training;

public sealed class ConvergenceTests
{
    private static readonly Convergence Rule = new(Window: 10, Threshold: 0.10);

    [Fact]
    public void An_exponential_decay_that_flattens_converges_where_it_flattens()
    {
        // Halves every 5 epochs until epoch 50, then flat.
        float[] loss = Enumerable.Range(0, 100).Select(i => (float)Math.Pow(0.5, Math.Min(i, 50) / 5.0)).ToArray();
        Rule.Epoch(loss).Should().BeInRange(45, 51);
    }

    [Fact]
    public void A_loss_still_falling_steadily_has_not_converged()
    {
        float[] loss = Enumerable.Range(0, 100).Select(i => (float)Math.Pow(0.5, i / 5.0)).ToArray();
        Rule.Epoch(loss).Should().BeNull();
    }

    [Fact]
    public void Spikes_do_not_hide_a_plateau()
    {
        float[] loss = Enumerable.Range(0, 60).Select(i => i % 7 == 3 ? 10f : 1f).ToArray();
        Rule.Epoch(loss).Should().Be(1);
    }
}
