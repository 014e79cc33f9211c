using Homework.Experiments.Claims;
using Homework.Experiments.Runs;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>Figures of part 1-2: optimisation paths (7, 8), loss and gradient norm (9, 10), minimal ratio (18).</summary>
public static class OptimizationFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<OptimizationPathsResult>(7, "paths-layer", "Optimisation paths of the second layer (PCA of 8 series)", "optimization-paths", r => Paths(r, layer: true)),
        new FigureSpec<OptimizationPathsResult>(8, "paths-model", "Optimisation paths of the whole model (PCA of 8 series)", "optimization-paths", r => Paths(r, layer: false)),
        new FigureSpec<GradientNormResult>(9, "grad-loss", "Loss per epoch while fitting sin(5πx)/(5πx)", "gradient-norm", Loss),
        new FigureSpec<GradientNormResult>(10, "grad-norm", "Gradient norm per epoch of the same training", "gradient-norm", Norm),
        new FigureSpec<MinimalRatioResult>(18, "minimal-ratio", "Minimal ratio against loss at near-critical points", "minimal-ratio", MinimalRatioPlot),
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

    /// <summary>Every seed's loss, the first in bold with its gradient-norm spikes shaded.</summary>
    private static Plot Loss(GradientNormResult result)
    {
        var plot = Charts.New("epoch", "MSE (log scale)", integerX: true);
        Series(plot, result, r => r.Loss, log: true);
        Charts.LogTicks(plot, plot.Axes.Left);
        return plot;
    }

    private static Plot Norm(GradientNormResult result)
    {
        var plot = Charts.New("epoch", "gradient norm ‖∇θ L‖ (log scale)", integerX: true);
        Series(plot, result, r => r.GradientNorm, log: true);
        Charts.LogTicks(plot, plot.Axes.Left);
        return plot;
    }

    private static void Series(Plot plot, GradientNormResult result, Func<GradientNormRun, float[]> values, bool log)
    {
        for (int i = result.Runs.Length - 1; i >= 0; i--)
        {
            var run = result.Runs[i];
            double[] y = values(run).Select(v => (double)v).ToArray();
            var line = plot.Add.ScatterLine(Charts.Epochs(y.Length), log ? Charts.Log10(y) : y);
            line.Color = i == 0 ? Charts.Colour(0) : Colors.Gray.WithAlpha(0.35);
            line.LineWidth = i == 0 ? 1.8f : 1f;
            line.LegendText = i == 0 ? $"seed {run.Seed}" : i == 1 ? "other seeds" : "";
        }
        var (spikes, _) = OptimizationClaims.Spikes(result.Runs[0].GradientNorm);
        bool labelled = false;
        foreach (int epoch in spikes)
        {
            var band = plot.Add.HorizontalSpan(epoch + 0.5, epoch + 1.5);
            band.FillStyle.Color = Charts.Colour(3).WithAlpha(0.25);
            band.LineStyle.Width = 0;
            if (!labelled) band.LegendText = $"gradient-norm spikes of seed {result.Runs[0].Seed}";
            labelled = true;
        }
        Charts.Legend(plot);
    }

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
