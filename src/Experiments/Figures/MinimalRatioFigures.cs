using Homework.Experiments.Runs;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>Figure 18 (the report has none), from the <c>minimal-ratio</c> experiment: minimal ratio against loss at near-critical points.</summary>
public static class MinimalRatioFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<MinimalRatioResult>(18, "minimal-ratio", "Minimal ratio against loss at near-critical points", MinimalRatio.Experiment, MinimalRatioPlot),
    ];

    /// <summary>Each training's end point; one colour per seed, Spearman's ρ in the legend.</summary>
    private static Plot MinimalRatioPlot(MinimalRatioResult result)
    {
        var plot = Charts.New("loss at the end point (MSE, log scale)", "minimal ratio (share of positive Hessian eigenvalues)");
        for (int i = 0; i < result.Config.Seeds.Length; i++)
        {
            int seed = result.Config.Seeds[i];
            var points = result.OfSeed(seed).ToList();
            double rho = Analysis.Statistics.Spearman(points.Select(p => p.Loss).ToList(), points.Select(p => p.MinimalRatio).ToList());
            var scatter = plot.Add.ScatterPoints(Charts.Log10(points.Select(p => p.Loss)), points.Select(p => p.MinimalRatio).ToArray());
            scatter.Color = Charts.Colour(i).WithAlpha(0.75);
            scatter.MarkerSize = 7;
            scatter.LegendText = $"seed {seed}: {points.Count} trainings, Spearman ρ = {rho:+0.00;-0.00}";
        }
        Charts.LogTicks(plot, plot.Axes.Bottom);
        Charts.Legend(plot);
        return plot;
    }
}
