using Homework.Experiments.Claims;
using Homework.Experiments.Runs;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Homework.Experiments.Figures;

/// <summary>Figures of part 1-3: the line between two solutions (14, 15) and sensitivity against batch size (16, 17).</summary>
public static class FlatnessFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<InterpolationResult>(14, "interpolation-batch-size", "Along θ(α) = (1−α)·θ1 + α·θ2: batch 64 (θ1) vs batch 1024 (θ2)",
            FlatnessClaims.InterpolationExperiment, r => Line(r, "batch-size")),
        new FigureSpec<InterpolationResult>(15, "interpolation-learning-rate", "Along θ(α) = (1−α)·θ1 + α·θ2: lr 0.001 (θ1) vs lr 0.01 (θ2)",
            FlatnessClaims.InterpolationExperiment, r => Line(r, "learning-rate")),
        new FigureSpec<SensitivityResult>(16, "sensitivity-loss", "Loss and sensitivity against batch size (784-20-30-10 net)",
            FlatnessClaims.SensitivityExperiment, r => AgainstBatchSize(r, accuracy: false)),
        new FigureSpec<SensitivityResult>(17, "sensitivity-accuracy", "Accuracy and sensitivity against batch size (784-20-30-10 net)",
            FlatnessClaims.SensitivityExperiment, r => AgainstBatchSize(r, accuracy: true)),
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
            Add(plot, alpha, Charts.Log10(Median(p => p.Train.Loss)), LossColour(init), false, $"loss, train ({variant})", plot.Axes.Left);
            Add(plot, alpha, Charts.Log10(Median(p => p.Test.Loss)), LossColour(init), true, $"loss, test ({variant})", plot.Axes.Left);
            Add(plot, alpha, Median(p => 100 * p.Train.Accuracy!.Value), AccuracyColour(init), false, $"accuracy, train ({variant})", plot.Axes.Right);
            Add(plot, alpha, Median(p => 100 * p.Test.Accuracy!.Value), AccuracyColour(init), true, $"accuracy, test ({variant})", plot.Axes.Right);
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
        OutsideLegend(plot);
        return plot;
    }

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
            var line = Add(plot, x, median, Charts.Colour(s.Colour), s.Dashed, s.Label, axis);
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
        OutsideLegend(plot);
        return plot;
    }

    /// <summary>Legend below the data in columns: these figures have no empty corner to put it in.</summary>
    private static void OutsideLegend(Plot plot)
    {
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
    }

    private static ScottPlot.Plottables.Scatter Add(Plot plot, double[] x, double[] y, Color colour, bool dashed, string label, IYAxis axis)
    {
        var line = plot.Add.ScatterLine(x, y);
        line.Color = colour;
        line.LineWidth = 2.2f;
        line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        line.LegendText = label;
        line.Axes.YAxis = axis;
        return line;
    }
}
