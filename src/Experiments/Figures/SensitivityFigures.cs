using Homework.Experiments.Runs;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Homework.Experiments.Figures;

/// <summary>Figures 16-17, from the <c>sensitivity</c> experiment: loss or accuracy and the three sensitivities against batch size.</summary>
public static class SensitivityFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<SensitivityResult>(16, "sensitivity-loss", "Loss and sensitivity against batch size (784-20-30-10 net)",
            Sensitivity.Experiment, r => AgainstBatchSize(r, accuracy: false)),
        new FigureSpec<SensitivityResult>(17, "sensitivity-accuracy", "Accuracy and sensitivity against batch size (784-20-30-10 net)",
            Sensitivity.Experiment, r => AgainstBatchSize(r, accuracy: true)),
    ];

    /// <summary>
    /// Loss or accuracy (left) and the three sensitivities (right, log scale) against batch size
    /// (log scale), median over seeds with every seed's value as a faint dot.
    /// </summary>
    private static Plot AgainstBatchSize(SensitivityResult result, bool accuracy)
    {
        var plot = Charts.New("batch size (log scale)", accuracy ? "accuracy (%)" : "cross-entropy");
        int[] batches = result.Config.BatchSizes.Order().ToArray();
        double[] x = batches.Select(b => Math.Log10(b)).ToArray();
        var series = new (string Label, Func<SensitivityRun, double> Value, int Colour, bool Dashed, bool Right, MarkerShape Marker)[]
        {
            (accuracy ? "train accuracy" : "train loss", r => accuracy ? 100 * r.Train.Accuracy!.Value : r.Train.Loss, 0, false, false, MarkerShape.FilledCircle),
            (accuracy ? "test accuracy" : "test loss", r => accuracy ? 100 * r.Test.Accuracy!.Value : r.Test.Loss, 0, true, false, MarkerShape.OpenCircle),
            ("S1, report's way (own batch size)", r => r.ReportSensitivity, 2, false, true, MarkerShape.FilledSquare),
            ("S1, per sample, fixed set", r => r.LossGradientSensitivity, 4, false, true, MarkerShape.FilledTriangleUp),
            ("S2, Jacobian ‖∂z/∂x‖ per sample", r => r.JacobianSensitivity, 5, false, true, MarkerShape.FilledDiamond),
        };
        foreach (var s in series)
        {
            var axis = s.Right ? (IYAxis)plot.Axes.Right : plot.Axes.Left;
            double Y(double v) => s.Right ? Math.Log10(v) : v;
            foreach (int seed in result.Config.Seeds)
            {
                var dots = plot.Add.ScatterPoints(x, batches.Select(b => Y(s.Value(result.Run(b, seed)))).ToArray());
                dots.Color = Charts.Colour(s.Colour).WithAlpha(0.3);
                dots.MarkerSize = 5;
                dots.Axes.YAxis = axis;
            }
            double[] median = batches.Select(b => Y(Analysis.Statistics.Median(result.Config.Seeds.Select(seed => s.Value(result.Run(b, seed)))))).ToArray();
            var line = Charts.Line(plot, x, median, Charts.Colour(s.Colour), s.Dashed, s.Label, axis);
            line.MarkerShape = s.Marker;
            line.MarkerSize = 9;
        }
        var ticks = new NumericManual();
        foreach (int b in batches) ticks.AddMajor(Math.Log10(b), b.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Right.Label.Text = "sensitivity (log scale)";
        Charts.LogTicks(plot, plot.Axes.Right);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"lines: median of {result.Config.Seeds.Length} seeds" });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "dots: each seed" });
        Charts.LegendBelow(plot);
        return plot;
    }
}
