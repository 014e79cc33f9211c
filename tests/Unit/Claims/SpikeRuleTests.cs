using Homework.Experiments.Claims;

namespace Homework.Tests.Unit.Claims;

/// <summary>The gradient-norm spike rule and the loss-slope comparison of claim 1-2/gradient-norm.</summary>
public sealed class SpikeRuleTests
{
    [Fact]
    public void A_lone_burst_above_three_times_the_local_median_is_one_event()
    {
        float[] norms = Enumerable.Repeat(1f, 200).ToArray();
        norms[100] = norms[101] = 5f;
        norms[150] = 2.9f; // below the factor
        var (epochs, events) = GradientNormClaims.Spikes(norms);
        epochs.Should().Equal(100, 101);
        events.Should().Be(1);
    }

    [Fact]
    public void A_kink_in_the_loss_at_a_spike_gives_a_large_ratio_and_none_without_spikes()
    {
        // Log-loss falls linearly, with a kink at epoch 100.
        float[] loss = Enumerable.Range(0, 200).Select(e => (float)Math.Exp(-0.01 * e - (e > 100 ? 0.05 * (e - 100) : 0) + 1e-4 * Math.Sin(e))).ToArray();
        GradientNormClaims.SlopeChangeNearSpikes(loss, [100]).Should().BeGreaterThan(10);
        double.IsNaN(GradientNormClaims.SlopeChangeNearSpikes(loss, [])).Should().BeTrue();
    }

    [Fact]
    public void The_loss_change_at_spikes_is_the_relative_jump_of_the_loss()
    {
        float[] loss = Enumerable.Repeat(1f, 50).ToArray();
        loss[20] = 1.05f;
        GradientNormClaims.LossChangeNearSpikes(loss, [21]).Should().BeApproximately(0.05, 1e-6);
        double.IsNaN(GradientNormClaims.LossChangeNearSpikes(loss, [])).Should().BeTrue();
    }
}
