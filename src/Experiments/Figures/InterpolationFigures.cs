using Homework.Experiments.Runs;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Homework.Experiments.Figures;

/// <summary>Figures 14-15, from the <c>interpolation</c> experiment: loss and accuracy on the line between two solutions.</summary>
public static class InterpolationFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<InterpolationResult>(14, "interpolation-batch-size", "Along θ(α) = (1−α)·θ1 + α·θ2: batch 64 (θ1) vs batch 1024 (θ2)",
            Interpolation.Experiment, r => Line(r, "batch-size")),
        new FigureSpec<InterpolationResult>(15, "interpolation-learning-rate", "Along θ(α) = (1−α)·θ1 + α·θ2: lr 0.001 (θ1) vs lr 0.01 (θ2)",
            Interpolation.Experiment, r => Line(r, "learning-rate")),
    ];

    /// <summary>Loss colours per initialisation (blue, cyan) and accuracy colours (red, orange).</summary>
    private static Color LossColour(Initialisation init) => init == Initialisation.Separate ? Charts.Colour(0) : Charts.Colour(9);

    private static Color AccuracyColour(Initialisation init) => init == Initialisation.Separate ? Charts.Colour(3) : Charts.Colour(1);

    /// <summary>
    /// Cross-entropy (left, log scale) and accuracy (right) against α, median over seeds, for each
    /// initialisation; training solid, test dashed; the two solutions marked at α = 0 and 1.
    /// </summary>
    private static Plot Line(InterpolationResult result, string pairName)
    {
        var pair = result.Config.Pairs.Single(p => p.Name == pairName);
        var plot = Charts.New("α", "cross-entropy (log scale)");
        int seeds = result.Config.Seeds.Length;
        foreach (var init in result.Config.Initialisations)
        {
            var curves = result.Config.Seeds.Select(s => result.Curve(pairName, init, s)).ToList();
            double[] alpha = curves[0].Points.Select(p => p.Alpha).ToArray();
            double[] Median(Func<InterpolationPoint, double> value) => Charts.Median(curves.Select(c => c.Points.Select(value).ToArray()).ToList());
            string variant = init == Initialisation.Shared ? "shared init" : "own inits";
            Charts.Line(plot, alpha, Charts.Log10(Median(p => p.Train.Loss)), LossColour(init), false, $"loss, train ({variant})", plot.Axes.Left);
            Charts.Line(plot, alpha, Charts.Log10(Median(p => p.Test.Loss)), LossColour(init), true, $"loss, test ({variant})", plot.Axes.Left);
            Charts.Line(plot, alpha, Median(p => 100 * p.Train.Accuracy!.Value), AccuracyColour(init), false, $"accuracy, train ({variant})", plot.Axes.Right);
            Charts.Line(plot, alpha, Median(p => 100 * p.Test.Accuracy!.Value), AccuracyColour(init), true, $"accuracy, test ({variant})", plot.Axes.Right);
        }
        plot.Axes.Right.Label.Text = "accuracy (%)";
        plot.Axes.Left.Label.ForeColor = Charts.Colour(0);
        plot.Axes.Right.Label.ForeColor = Charts.Colour(3);
        // The two solutions: dotted lines at α = 0 and 1, named on the α axis.
        var ticks = new NumericManual();
        for (int i = -10; i <= 20; i++)
        {
            double alpha = i / 10.0;
            if (i is 0 or 10) ticks.AddMajor(alpha, i == 0 ? "0\nθ1" : "1\nθ2");
            else if (i % 5 == 0) ticks.AddMajor(alpha, alpha.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture));
            else ticks.AddMinor(alpha);
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        foreach (double alpha in new[] { 0.0, 1.0 })
        {
            var line = plot.Add.VerticalLine(alpha);
            line.Color = Colors.Black.WithAlpha(0.5);
            line.LineWidth = 1;
            line.LinePattern = LinePattern.Dotted;
        }
        Charts.LogTicks(plot, plot.Axes.Left);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"θ1: {pair.First.Name}" });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"θ2: {pair.Second.Name}" });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"lines: median of {seeds} seeds" });
        Charts.LegendBelow(plot);
        return plot;
    }
}
