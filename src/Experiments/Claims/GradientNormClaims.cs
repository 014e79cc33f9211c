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

    /// <summary>How much larger the loss-slope change around spikes must be than elsewhere.</summary>
    public const double SlopeChangeRatio = 2;

    // The claim is declared after the constants its initialiser reads.

    public static Claim<GradientNormResult> SpikesMatchLossSlope { get; } = new()
    {
        Id = "1-2/gradient-norm/spikes-match-loss-slope",
        Statement = "Figure 9 displays the model's loss for each training period. While each epoch's gradient norm is shown in figure 10. The slope variations in figure 9 and each of the spikes in figure 10 are related.",
        Criterion = $"A spike is an epoch whose gradient norm exceeds {SpikeFactor}x the median of the {SpikeWindow} epochs either side. " +
                    $"The largest change of the log-loss slope, |Δ(log L(e+1) − log L(e))|, within {SpikeReach} epochs of each spike has a median (over spikes) at least {SlopeChangeRatio}x the median change at every other epoch. A run without spikes does not hold.",
        Experiment = GradientNorm.Experiment,
        Figures = [9, 10],
        Check = SpikesAndSlopes,
    };

    public static IReadOnlyList<Claim> All { get; } = [SpikesMatchLossSlope];

    private static ClaimEvidence SpikesAndSlopes(GradientNormResult result)
    {
        var ratios = new List<double>();
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
            if (events > 0)
            {
                ratios.Add(ratio);
                sizes.Add(size);
            }
            return events > 0 && ratio >= SlopeChangeRatio;
        });
        // The ratio says the loss reacts at spikes; the size says whether a reader of figure 9 can see it.
        string range = ratios.Count == 0 ? "no spikes at all"
            : $"slope change around spikes {ratios.Min():0.#}x-{ratios.Max():0.#}x the rest, but the loss itself moves there by a median of only " +
              $"{Evidence.Percent(sizes.Min(), 3)}-{Evidence.Percent(sizes.Max(), 3)} per epoch";
        return new ClaimEvidence(seeds, Evidence.None,
            $"holds in {Evidence.Count(seeds)} seeds; {range}; runs without spikes: {seeds.Count(s => s.Metrics["spike-events"].Integer == 0)}");
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
