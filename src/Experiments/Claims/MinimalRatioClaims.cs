using System.Globalization;
using Homework.Experiments.Analysis;
using Homework.Experiments.Golden;
using Homework.Experiments.Runs;

namespace Homework.Experiments.Claims;

/// <summary>The claim of report part 1-2 that the report omits, on the <c>minimal-ratio</c> experiment (figure 18).</summary>
public static class MinimalRatioClaims
{
    public static Claim<MinimalRatioResult> FallsAsLossRises { get; } = new()
    {
        Id = "1-2/minimal-ratio/falls-as-loss-rises",
        Statement = "(Not in the report, which omits this part of the homework.) Critical points with a higher loss have more directions of negative curvature (Dauphin et al. 2014), so the minimal ratio falls as the loss rises.",
        Criterion = "Per seed, over the half of its trainings that ended nearest a critical point (gradient norm at most the seed's median; the norms run from 0.001 to 0.013 with no natural gap), " +
                    $"Spearman's rank correlation between the loss and the minimal ratio (the share of positive eigenvalues among those resolved, larger than {MinimalRatio.ResolvedShare:0e0} of the largest in magnitude: below that the sign is round-off). " +
                    "The mean over seeds with its 95% t interval must lie below 0; p is Fisher's combination of the seeds' one-sided p-values (t approximation of Spearman's ρ).",
        Experiment = MinimalRatio.Experiment,
        Figures = [18],
        Check = Falls,
    };

    public static IReadOnlyList<Claim> All { get; } = [FallsAsLossRises];

    private static ClaimEvidence Falls(MinimalRatioResult result)
    {
        var rhos = new List<double>();
        var pValues = new List<double>();
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var all = result.OfSeed(seed).ToList();
            double cutoff = Statistics.Median(all.Select(p => p.GradientNorm));
            var points = all.Where(p => p.GradientNorm <= cutoff).ToList();
            var (loss, ratio) = (points.Select(x => x.Loss).ToList(), points.Select(x => x.MinimalRatio).ToList());
            double rho = Statistics.Spearman(loss, ratio);
            double p = Statistics.SpearmanP(loss, ratio, negative: true);
            metrics["spearman"] = rho;
            metrics["p"] = p;
            metrics["near-critical-points"] = points.Count;
            metrics["gradient-norm-cutoff"] = cutoff;
            metrics["mean-loss"] = Statistics.Mean(points.Select(x => x.Loss));
            metrics["mean-minimal-ratio"] = Statistics.Mean(points.Select(x => x.MinimalRatio));
            metrics["mean-flat-share"] = Statistics.Mean(all.Select(x => x.FlatShare));
            rhos.Add(rho);
            pValues.Add(p);
            return rho < 0;
        });
        var effect = Evidence.MeanOverSeeds("Spearman ρ(loss, minimal ratio) over the nearer half of a seed's critical points", rhos, Side.Below, 0)
            with { P = Intervals.FisherCombined(pValues), Null = "loss and minimal ratio unrelated (t approximation of Spearman's ρ per seed)" };
        string perSeed = string.Join(", ", rhos.Select(r => r.ToString("+0.00;-0.00", CultureInfo.InvariantCulture)));
        return new ClaimEvidence(seeds, Evidence.None,
            $"ρ(loss, minimal ratio) {Evidence.Signed(effect.Estimate)} [{Evidence.Signed(effect.Low)}, {Evidence.Signed(effect.High)}], p = {Effect.Number(effect.P!.Value)}; per seed {perSeed}", effect);
    }
}
