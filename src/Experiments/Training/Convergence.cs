namespace Homework.Experiments.Training;

/// <summary>
/// A measured definition of "the loss has converged": the first epoch from which the
/// best loss so far improves by less than <see cref="Threshold"/> (relative) over the next
/// <see cref="Window"/> epochs. The best-so-far loss ignores Adam's transient spikes, and
/// a relative threshold works the same on every loss scale.
/// </summary>
/// <param name="Window">Epochs to look ahead.</param>
/// <param name="Threshold">Relative improvement below which the loss counts as flat, e.g. 0.1 for 10%.</param>
public sealed record Convergence(int Window, double Threshold)
{
    /// <summary>The 1-based convergence epoch, or null if the loss was still improving when the run ended.</summary>
    public int? Epoch(IReadOnlyList<float> loss)
    {
        var best = new double[loss.Count];
        double running = double.PositiveInfinity;
        for (int i = 0; i < loss.Count; i++)
            best[i] = running = Math.Min(running, loss[i]);
        for (int i = 0; i + Window < loss.Count; i++)
            if (best[i + Window] >= (1 - Threshold) * best[i])
                return i + 1;
        return null;
    }

    public override string ToString() =>
        $"the best loss so far improves by less than {Threshold * 100:0.#}% over the next {Window:N0} epochs";
}
