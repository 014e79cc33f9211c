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

/// <summary>
/// "Has the loss flattened by the end of training?": the last <see cref="TailFraction"/> of
/// the epochs contributes less than <see cref="MaxShare"/> of the total decrease of the
/// loss (first epoch to last). Scale-free and independent of the schedule's length, so a
/// short run can decide it as honestly as a long one.
/// </summary>
/// <param name="TailFraction">The closing share of the epochs, e.g. 0.25 for the last quarter.</param>
/// <param name="MaxShare">Largest share of the total decrease the tail may still bring, e.g. 0.1.</param>
public sealed record Flattening(double TailFraction, double MaxShare)
{
    /// <summary>The share of the total decrease that came in the tail (NaN if the loss never decreased).</summary>
    public double TailShare(IReadOnlyList<double> loss)
    {
        int tailStart = Math.Clamp((int)Math.Round(loss.Count * (1 - TailFraction)) - 1, 0, loss.Count - 1);
        double total = loss[0] - loss[^1];
        return total > 0 ? (loss[tailStart] - loss[^1]) / total : double.NaN;
    }

    public bool HasFlattened(IReadOnlyList<double> loss) => TailShare(loss) is var share && share < MaxShare;

    public override string ToString() =>
        $"the last {TailFraction * 100:0.#}% of the epochs bring less than {MaxShare * 100:0.#}% of the loss's total decrease";
}
