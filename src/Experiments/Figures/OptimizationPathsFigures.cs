using Homework.Experiments.Runs;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>Figures 7-8, from the <c>optimization-paths</c> experiment: the training series projected on their first two principal components.</summary>
public static class OptimizationPathsFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<OptimizationPathsResult>(7, "paths-layer", "Optimisation paths of the second layer (PCA of 8 series)", OptimizationPaths.Experiment, r => Paths(r, layer: true)),
        new FigureSpec<OptimizationPathsResult>(8, "paths-model", "Optimisation paths of the whole model (PCA of 8 series)", OptimizationPaths.Experiment, r => Paths(r, layer: false)),
    ];

    private static readonly IColormap LossColours = new ScottPlot.Colormaps.Viridis();

    /// <summary>One line per series; each collected point coloured by its loss (log scale, yellow = low).</summary>
    private static Plot Paths(OptimizationPathsResult result, bool layer)
    {
        double[] variance = layer ? result.LayerExplainedVariance : result.ModelExplainedVariance;
        var plot = Charts.New($"PC 1 ({Claims.Evidence.Percent(variance[0], 0)} of the variance)", $"PC 2 ({Claims.Evidence.Percent(variance[1], 0)} of the variance)");
        var losses = result.Paths.SelectMany(p => p.Snapshots).Select(s => Math.Log10(s.Loss)).ToList();
        double low = losses.Min(), high = losses.Max();
        Color ColourOf(double loss) => LossColours.GetColor(1 - (Math.Log10(loss) - low) / Math.Max(high - low, 1e-12));

        for (int i = 0; i < result.Paths.Length; i++)
        {
            var path = result.Paths[i];
            var points = layer ? path.LayerPca : path.ModelPca;
            var line = plot.Add.ScatterLine(points.Select(p => p[0]).ToArray(), points.Select(p => p[1]).ToArray());
            line.Color = Charts.Colour(i).WithAlpha(0.6);
            line.LineWidth = 1.5f;
            line.LegendText = $"series {i + 1} (seed {path.Seed})";
            for (int k = 0; k < points.Length; k++)
                plot.Add.Marker(points[k][0], points[k][1], k == 0 ? MarkerShape.OpenCircle : MarkerShape.FilledCircle, k == 0 ? 9 : 7, ColourOf(path.Snapshots[k].Loss));
        }
        foreach (double loss in new[] { high, (low + high) / 2, low }.Select(v => Math.Pow(10, v)))
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"loss {loss:0.###e0}", MarkerShape = MarkerShape.FilledCircle, MarkerFillColor = ColourOf(loss), MarkerLineColor = ColourOf(loss), MarkerSize = 8 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "open circle: start", MarkerShape = MarkerShape.OpenCircle, MarkerLineColor = Colors.Gray, MarkerSize = 8 });
        Charts.Legend(plot, Alignment.UpperRight);
        return plot;
    }
}
