using Homework.Experiments.Claims;
using Homework.Experiments.Runs;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>Figures 9-10, from the <c>gradient-norm</c> experiment: loss and gradient norm per epoch, with the spikes of the first seed shaded.</summary>
public static class GradientNormFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<GradientNormResult>(9, "grad-loss", "Loss per epoch while fitting sin(5πx)/(5πx)", GradientNorm.Experiment, Loss),
        new FigureSpec<GradientNormResult>(10, "grad-norm", "Gradient norm per epoch of the same training", GradientNorm.Experiment, Norm),
    ];

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
        var (spikes, _) = GradientNormClaims.Spikes(result.Runs[0].GradientNorm);
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
}
