using System.Globalization;
using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>The claims of report part 1-2: optimisation paths (figures 7-8), gradient norm (9-10), minimal ratio (18).</summary>
public static class OptimizationClaims
{
    /// <summary>A spike: the gradient norm exceeds this many times the median of its neighbourhood.</summary>
    public const double SpikeFactor = 3;

    /// <summary>The neighbourhood of the spike rule: this many epochs either side.</summary>
    public const int SpikeWindow = 25;

    /// <summary>Epochs either side of a spike whose loss-slope change counts as "around the spike".</summary>
    public const int SpikeReach = 2;

    /// <summary>How much larger the loss-slope change around spikes must be than elsewhere.</summary>
    public const double SlopeChangeRatio = 2;

    public static IReadOnlyList<Claim> All { get; } =
    [
        new Claim<OptimizationPathsResult>
        {
            Id = "1-2/paths/gradual-optimization",
            Statement = "Backpropagation is used to optimize the weights inside the network that is trained throughout the training phase, as seen in Figures 7 and 8. The figures demonstrate the gradual fine-tuning as the weights are gradually optimized.",
            Criterion = "In each of the eight series the loss at the last collected point is below the loss at the first, and consecutive collected weight vectors (all 57 parameters) lie closer together in the last third of the series than in the first third (mean distance).",
            Experiment = "optimization-paths",
            Figures = [7, 8],
            Check = GradualOptimization,
        },
        new Claim<GradientNormResult>
        {
            Id = "1-2/gradient-norm/spikes-match-loss-slope",
            Statement = "Figure 9 displays the model's loss for each training period. While each epoch's gradient norm is shown in figure 10. The slope variations in figure 9 and each of the spikes in figure 10 are related.",
            Criterion = $"A spike is an epoch whose gradient norm exceeds {SpikeFactor}x the median of the {SpikeWindow} epochs either side. " +
                        $"The largest change of the log-loss slope, |Δ(log L(e+1) − log L(e))|, within {SpikeReach} epochs of each spike has a median (over spikes) at least {SlopeChangeRatio}x the median change at every other epoch. A run without spikes does not hold.",
            Experiment = "gradient-norm",
            Figures = [9, 10],
            Check = SpikesMatchLossSlope,
        },
        new Claim<MinimalRatioResult>
        {
            Id = "1-2/minimal-ratio/falls-as-loss-rises",
            Statement = "(Not in the report, which omits this part of the homework.) Critical points with a higher loss have more directions of negative curvature (Dauphin et al. 2014), so the minimal ratio falls as the loss rises.",
            Criterion = "Over each seed's trainings to a near-critical point, Spearman's rank correlation between the loss and the minimal ratio (share of positive Hessian eigenvalues) is negative.",
            Experiment = "minimal-ratio",
            Figures = [18],
            Check = MinimalRatioFalls,
        },
    ];

    private static ClaimEvidence GradualOptimization(OptimizationPathsResult result)
    {
        var seeds = new List<SeedEvidence>();
        foreach (var path in result.Paths)
        {
            var s = path.Snapshots;
            double[] steps = s.Zip(s.Skip(1), (a, b) => Distance(a.Model, b.Model)).ToArray();
            int third = Math.Max(1, steps.Length / 3);
            double first = steps[..third].Average(), last = steps[^third..].Average();
            var metrics = Evidence.Metrics();
            metrics["first-loss"] = s[0].Loss;
            metrics["last-loss"] = s[^1].Loss;
            metrics["first-third-step"] = first;
            metrics["last-third-step"] = last;
            seeds.Add(new SeedEvidence(path.Seed, s[^1].Loss < s[0].Loss && last < first, metrics));
        }
        var common = Evidence.Metrics();
        for (int i = 0; i < result.ModelExplainedVariance.Length; i++)
        {
            common[$"pca/model-pc{i + 1}-variance"] = result.ModelExplainedVariance[i];
            common[$"pca/layer-pc{i + 1}-variance"] = result.LayerExplainedVariance[i];
        }
        double shrink = Statistics.Median(seeds.Select(x => x.Metrics["last-third-step"].Real / x.Metrics["first-third-step"].Real));
        string summary = $"holds in {Evidence.Count(seeds.Select(x => x.Holds))} series; median last/first-third step length {shrink:0.00}; " +
                         $"2 PCs explain {Evidence.Percent(result.ModelExplainedVariance.Sum(), 0)} (model), {Evidence.Percent(result.LayerExplainedVariance.Sum(), 0)} (layer)";
        return new ClaimEvidence(seeds, common, summary);
    }

    private static ClaimEvidence SpikesMatchLossSlope(GradientNormResult result)
    {
        var seeds = new List<SeedEvidence>();
        var ratios = new List<double>();
        var sizes = new List<double>();
        foreach (var run in result.Runs)
        {
            var (spikes, events) = Spikes(run.GradientNorm);
            double ratio = SlopeChangeNearSpikes(run.Loss, spikes);
            double size = LossChangeNearSpikes(run.Loss, spikes);
            var metrics = Evidence.Metrics();
            metrics["spike-epochs"] = spikes.Count;
            metrics["spike-events"] = events;
            metrics["slope-change-ratio"] = ratio;
            metrics["loss-change-at-spikes"] = size;
            metrics["final-loss"] = (double)run.Loss[^1];
            bool holds = events > 0 && ratio >= SlopeChangeRatio;
            if (events > 0)
            {
                ratios.Add(ratio);
                sizes.Add(size);
            }
            seeds.Add(new SeedEvidence(run.Seed, holds, metrics));
        }
        // The ratio says the loss reacts at spikes; the size says whether a reader of figure 9 can see it.
        string range = ratios.Count == 0 ? "no spikes at all"
            : $"slope change around spikes {ratios.Min():0.#}x-{ratios.Max():0.#}x the rest, but the loss itself moves there by a median of only " +
              $"{Evidence.Percent(sizes.Min(), 3)}-{Evidence.Percent(sizes.Max(), 3)} per epoch";
        return new ClaimEvidence(seeds, Evidence.None,
            $"holds in {Evidence.Count(seeds.Select(s => s.Holds))} seeds; {range}; runs without spikes: {seeds.Count(s => s.Metrics["spike-events"].Integer == 0)}");
    }

    private static ClaimEvidence MinimalRatioFalls(MinimalRatioResult result)
    {
        var seeds = new List<SeedEvidence>();
        foreach (int seed in result.Config.Seeds)
        {
            var points = result.OfSeed(seed).ToList();
            double rho = Statistics.Spearman(points.Select(p => p.Loss).ToList(), points.Select(p => p.MinimalRatio).ToList());
            var metrics = Evidence.Metrics();
            metrics["spearman"] = rho;
            metrics["mean-loss"] = Statistics.Mean(points.Select(p => p.Loss));
            metrics["mean-minimal-ratio"] = Statistics.Mean(points.Select(p => p.MinimalRatio));
            metrics["mean-gradient-norm"] = Statistics.Mean(points.Select(p => p.GradientNorm));
            metrics["mean-flat-share"] = Statistics.Mean(points.Select(p => p.FlatShare));
            seeds.Add(new SeedEvidence(seed, rho < 0, metrics));
        }
        string rhos = string.Join(", ", seeds.Select(s => s.Metrics["spearman"].Real.ToString("+0.00;-0.00", CultureInfo.InvariantCulture)));
        return new ClaimEvidence(seeds, Evidence.None, $"Spearman ρ(loss, minimal ratio) per seed: {rhos}");
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

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
}
