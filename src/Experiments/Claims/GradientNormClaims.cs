using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>The claim of report part 1-2, "Gradient norm observation", on the <c>gradient-norm</c> experiment (figures 9-10).</summary>
public static class GradientNormClaims
{
    /// <summary>A spike: the gradient norm exceeds this many times the median of its neighbourhood.</summary>
    public const double SpikeFactor = 3;

    /// <summary>The neighbourhood of the spike rule: this many epochs either side.</summary>
    public const int SpikeWindow = 25;

    /// <summary>Epochs either side of a spike whose loss-slope change counts as "around the spike".</summary>
    public const int SpikeReach = 2;

    /// <summary>Circular shifts of a run's spike pattern in its null baseline.</summary>
    public const int NullShifts = 199;

    // The claim is declared after the constants its initialiser reads.

    public static Claim<GradientNormResult> SpikesMatchLossSlope { get; } = new()
    {
        Id = "1-2/gradient-norm/spikes-match-loss-slope",
        Statement = "Figure 9 displays the model's loss for each training period. While each epoch's gradient norm is shown in figure 10. The slope variations in figure 9 and each of the spikes in figure 10 are related.",
        Criterion = $"A spike is an epoch whose gradient norm exceeds {SpikeFactor}x the median of the {SpikeWindow} epochs either side. " +
                    $"The statistic: the median over spikes of the largest change of the log-loss slope, |Δ(log L(e+1) − log L(e))|, within {SpikeReach} epochs of the spike, over the median change at every other epoch. " +
                    $"The null baseline: the same statistic with the run's spike pattern shifted circularly to {NullShifts} evenly spaced other positions (same number and clustering of spikes, unrelated to the loss). " +
                    "Per seed with spikes, the effect is log₁₀ of the statistic over the null's median; the mean over those seeds with its 95% t interval must lie above 0, and p is Fisher's combination of the seeds' one-sided p-values. " +
                    "(A largest-of-several-values statistic beats a median almost anywhere; only the excess over random positions says the loss reacts at the spikes.) No spikes in any seed: premise absent.",
        Experiment = GradientNorm.Experiment,
        Figures = [9, 10],
        Check = SpikesAndSlopes,
    };

    public static IReadOnlyList<Claim> All { get; } = [SpikesMatchLossSlope];

    private static ClaimEvidence SpikesAndSlopes(GradientNormResult result)
    {
        var effects = new List<double>();
        var pValues = new List<double>();
        var sizes = new List<double>();
        var seeds = Evidence.PerSeed(result.Runs, run => run.Seed, (run, metrics) =>
        {
            var (spikes, events) = Spikes(run.GradientNorm);
            double ratio = SlopeChangeNearSpikes(run.Loss, spikes);
            double size = LossChangeNearSpikes(run.Loss, spikes);
            metrics["spike-epochs"] = spikes.Count;
            metrics["spike-events"] = events;
            metrics["slope-change-ratio"] = ratio;
            metrics["loss-change-at-spikes"] = size;
            metrics["final-loss"] = (double)run.Loss[^1];
            if (events == 0) return false;
            var shifted = NullRatios(run.Loss, spikes);
            double excess = Math.Log10(ratio / Statistics.Median(shifted)), p = Intervals.PValue(ratio, shifted);
            metrics["null-median-ratio"] = Statistics.Median(shifted);
            metrics["p"] = p;
            effects.Add(excess);
            pValues.Add(p);
            sizes.Add(size);
            return excess > 0;
        });
        var effect = Evidence.MeanOverSeeds("log₁₀ of the slope-change statistic at the spikes over its median at circularly shifted positions", effects, Side.Above, 0)
            with { P = Intervals.FisherCombined(pValues), Null = $"the spike pattern shifted circularly to {NullShifts} other positions" };
        int without = seeds.Count(s => s.Metrics["spike-events"].Integer == 0);
        // The excess says the loss reacts at spikes; the size says whether a reader of figure 9 can see it.
        string summary = effects.Count == 0 ? "no spikes in any seed"
            : $"at the spikes the slope changes {Math.Pow(10, effect.Estimate):0.0}x as much as at shifted positions [{Math.Pow(10, effect.Low):0.0}x, {Math.Pow(10, effect.High):0.0}x], p = {Effect.Number(effect.P!.Value)}; " +
              $"the loss itself moves there by a median of {Evidence.Percent(sizes.Min(), 3)}-{Evidence.Percent(sizes.Max(), 3)} per epoch; seeds without spikes: {without}";
        return new ClaimEvidence(seeds, Evidence.None, summary, effect)
        {
            PremiseAbsent = effects.Count == 0 ? "no seed's gradient norm has a spike: there are no spikes to relate to the loss" : null,
        };
    }

    /// <summary>The statistic with the spike pattern shifted circularly by <see cref="NullShifts"/> evenly spaced offsets (the null baseline).</summary>
    public static List<double> NullRatios(IReadOnlyList<float> loss, IReadOnlyList<int> spikes)
    {
        int n = loss.Count;
        return Enumerable.Range(1, NullShifts)
            .Select(k => SlopeChangeNearSpikes(loss, spikes.Select(e => (e + (int)((long)k * n / (NullShifts + 1))) % n).Order().ToList()))
            .ToList();
    }

    /// <summary>Spike epochs (0-based) by the rule above, and how many separate events they form.</summary>
    public static (List<int> Epochs, int Events) Spikes(IReadOnlyList<float> norms)
    {
        var epochs = new List<int>();
        for (int e = 0; e < norms.Count; e++)
        {
            int from = Math.Max(0, e - SpikeWindow), to = Math.Min(norms.Count, e + SpikeWindow + 1);
            double median = Statistics.Median(Enumerable.Range(from, to - from).Select(i => (double)norms[i]));
            if (norms[e] > SpikeFactor * median) epochs.Add(e);
        }
        int events = epochs.Where((e, i) => i == 0 || epochs[i - 1] != e - 1).Count();
        return (epochs, events);
    }

    /// <summary>
    /// For each spike, the largest change of the log-loss slope within reach of it; the median of
    /// those over the median change at every epoch out of reach of any spike. NaN without spikes.
    /// </summary>
    public static double SlopeChangeNearSpikes(IReadOnlyList<float> loss, IReadOnlyList<int> spikes)
    {
        if (spikes.Count == 0) return double.NaN;
        // change[e] = |(log L[e+1] − log L[e]) − (log L[e] − log L[e−1])|, the kink at epoch e.
        var change = new double[loss.Count];
        for (int e = 1; e + 1 < loss.Count; e++)
            change[e] = Math.Abs(Math.Log(loss[e + 1]) - 2 * Math.Log(loss[e]) + Math.Log(loss[e - 1]));
        bool Inside(int e) => e >= 1 && e + 1 < loss.Count;
        var near = spikes.SelectMany(e => Enumerable.Range(e - SpikeReach, 2 * SpikeReach + 1)).Where(Inside).ToHashSet();
        double atSpikes = Statistics.Median(spikes.Select(s => Enumerable.Range(s - SpikeReach, 2 * SpikeReach + 1).Where(Inside).Select(e => change[e]).DefaultIfEmpty(0).Max()));
        double elsewhere = Statistics.Median(Enumerable.Range(1, Math.Max(0, loss.Count - 2)).Where(e => !near.Contains(e)).Select(e => change[e]));
        return atSpikes / elsewhere;
    }

    /// <summary>
    /// How much the loss itself moves at spikes: for each spike the largest relative change
    /// |L(e+1)/L(e) − 1| within reach of it, the median over spikes; NaN without spikes.
    /// </summary>
    public static double LossChangeNearSpikes(IReadOnlyList<float> loss, IReadOnlyList<int> spikes) =>
        spikes.Count == 0 ? double.NaN
            : Statistics.Median(spikes.Select(s => Enumerable.Range(s - SpikeReach, 2 * SpikeReach + 1)
                .Where(e => e >= 0 && e + 1 < loss.Count)
                .Select(e => Math.Abs((double)loss[e + 1] / loss[e] - 1)).DefaultIfEmpty(0).Max()));
}
