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
        Criterion = "Over each seed's trainings to a near-critical point, Spearman's rank correlation between the loss and the minimal ratio (share of positive Hessian eigenvalues) is negative.",
        Experiment = MinimalRatio.Experiment,
        Figures = [18],
        Check = Falls,
    };

    public static IReadOnlyList<Claim> All { get; } = [FallsAsLossRises];

    private static ClaimEvidence Falls(MinimalRatioResult result)
    {
        var seeds = Evidence.PerSeed(result.Config.Seeds, (seed, metrics) =>
        {
            var points = result.OfSeed(seed).ToList();
            double rho = Statistics.Spearman(points.Select(p => p.Loss).ToList(), points.Select(p => p.MinimalRatio).ToList());
            metrics["spearman"] = rho;
            metrics["mean-loss"] = Statistics.Mean(points.Select(p => p.Loss));
            metrics["mean-minimal-ratio"] = Statistics.Mean(points.Select(p => p.MinimalRatio));
            metrics["mean-gradient-norm"] = Statistics.Mean(points.Select(p => p.GradientNorm));
            metrics["mean-flat-share"] = Statistics.Mean(points.Select(p => p.FlatShare));
            return rho < 0;
        });
        string rhos = string.Join(", ", seeds.Select(s => s.Metrics["spearman"].Real.ToString("+0.00;-0.00", CultureInfo.InvariantCulture)));
        return new ClaimEvidence(seeds, Evidence.None, $"Spearman ρ(loss, minimal ratio) per seed: {rhos}");
    }
}
