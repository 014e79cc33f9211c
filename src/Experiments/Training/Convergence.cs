using System.Globalization;

namespace Homework.Experiments.Training;

/// <summary>
/// The one definition of "the loss has converged" for every claim that speaks of convergence.
/// A training has converged at an epoch when its loss has reached the <b>fit level</b>, at most
/// <see cref="FitShare"/> of the reference loss (the loss of the best constant prediction: the
/// target's variance for a mean squared error, ln 10 for ten balanced classes), and has
/// <b>flattened</b>: over the next <see cref="Window"/> epochs the best loss so far improves by
/// less than <see cref="FlatShare"/> of the reference. Both parts are measured against the
/// task's own scale, so a net stuck far above the fit level (a sign fit at MSE 0.54, more than
/// half the target's variance) never converges however flat its loss, and an excellent fit that
/// still creeps down from 1e-6 to 5e-7 has converged. The best-so-far loss ignores Adam's
/// transient spikes.
/// </summary>
/// <param name="Window">Epochs to look ahead for the flattening.</param>
/// <param name="FitShare">The fit level as a share of the reference loss: 0.1, i.e. the fit explains 90% of what a constant cannot.</param>
/// <param name="FlatShare">Largest improvement over the window, as a share of the reference loss, that still counts as flat: 0.01.</param>
public sealed record Convergence(int Window, double FitShare = 0.1, double FlatShare = 0.01)
{
    /// <summary>
    /// The 1-based epoch at which <paramref name="loss"/> has converged against <paramref name="reference"/>,
    /// or null when it never did within the run (the last <see cref="Window"/> epochs cannot start a window).
    /// </summary>
    public int? Epoch(IReadOnlyList<double> loss, double reference)
    {
        var best = BestSoFar(loss);
        for (int i = 0; i + Window < best.Length; i++)
            if (best[i] <= FitShare * reference && best[i] - best[i + Window] < FlatShare * reference)
                return i + 1;
        return null;
    }

    /// <summary>Whether the loss has converged by its last epoch: fit level reached, and flat over the last <see cref="Window"/> epochs.</summary>
    public bool AtEnd(IReadOnlyList<double> loss, double reference) => Remaining(loss, reference) is var (level, drop) && level <= FitShare && drop < FlatShare;

    /// <summary>
    /// The final best loss as a share of the reference, and what the last <see cref="Window"/> epochs
    /// still took off it, as a share of the reference: the two numbers <see cref="AtEnd"/> judges.
    /// </summary>
    public (double Level, double Drop) Remaining(IReadOnlyList<double> loss, double reference)
    {
        var best = BestSoFar(loss);
        int start = Math.Max(0, best.Length - 1 - Window);
        return (best[^1] / reference, (best[start] - best[^1]) / reference);
    }

    public override string ToString() =>
        $"the best loss so far is at most {Percent(FitShare)} of the loss of the best constant prediction and improves by less than {Percent(FlatShare)} of it over the next {Window.ToString("N0", CultureInfo.InvariantCulture)} epochs";

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static double[] BestSoFar(IReadOnlyList<double> loss)
    {
        var best = new double[loss.Count];
        double running = double.PositiveInfinity;
        for (int i = 0; i < loss.Count; i++)
            best[i] = running = Math.Min(running, loss[i]);
        return best;
    }
}
