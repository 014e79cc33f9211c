using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>Figures of part 1-3: random labels (11) and number of parameters (12, 13).</summary>
public static class GeneralizationFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<RandomLabelsResult>(11, "random-labels", "Fitting random labels: training and test loss per epoch", "random-labels", RandomLabelsPlot),
        new FigureSpec<ParameterCountResult>(12, "params-loss", "Final training and test loss against the number of parameters", "parameter-count", r => Sizes(r, accuracy: false)),
        new FigureSpec<ParameterCountResult>(13, "params-accuracy", "Final training and test accuracy against the number of parameters", "parameter-count", r => Sizes(r, accuracy: true)),
    ];

    /// <summary>Losses on the left (log scale), accuracies on the right.</summary>
    private static Plot RandomLabelsPlot(RandomLabelsResult result)
    {
        var plot = Charts.New("epoch", "cross-entropy (log scale)", integerX: true);
        double[][] Curve(Func<EpochMetrics, double> value) => result.Runs.Select(r => r.Epochs.Select(value).ToArray()).ToArray();
        Charts.MedianLine(plot, Curve(e => e.Train!.Loss), 0, "training loss (random labels)", log: true);
        Charts.MedianLine(plot, Curve(e => e.Test!.Loss), 1, "test loss (true labels)", log: true);
        Charts.MedianLine(plot, Curve(e => 100 * e.Train!.Accuracy!.Value), 0, "training accuracy (random labels)", dashed: true, yAxis: plot.Axes.Right);
        Charts.MedianLine(plot, Curve(e => 100 * e.Test!.Accuracy!.Value), 1, "test accuracy (true labels)", dashed: true, yAxis: plot.Axes.Right);
        var chance = plot.Add.HorizontalLine(10);
        chance.Axes.YAxis = plot.Axes.Right;
        chance.Color = Colors.Gray;
        chance.LinePattern = LinePattern.Dotted;
        chance.LegendText = "chance (10%)";
        plot.Axes.Right.Label.Text = "accuracy (%), dashed";
        Charts.LogTicks(plot, plot.Axes.Left);
        plot.Axes.SetLimitsY(-2, 102, plot.Axes.Right);
        Charts.Legend(plot, Alignment.MiddleRight);
        return plot;
    }

    /// <summary>One point per net and seed (faint), the median over seeds as a line; log x.</summary>
    private static Plot Sizes(ParameterCountResult result, bool accuracy)
    {
        var plot = Charts.New("parameters (log scale)", accuracy ? "accuracy (%)" : "cross-entropy (log scale)");
        var widths = result.Config.HiddenWidths.Order().ToArray();
        double[] x = Charts.Log10(widths.Select(w => (double)Models.Mlp.CountParameters(ParameterCountConfig.Widths(w))));
        double Value(Evaluation e) => accuracy ? 100 * e.Accuracy!.Value : e.Loss;
        double[][] Curves(Func<SizedNet, Evaluation> set) =>
            result.Config.Seeds.Select(s => result.OfSeed(s).OrderBy(n => n.HiddenWidth).Select(n => Value(set(n))).ToArray()).ToArray();
        Charts.MedianLine(plot, Curves(n => n.Train), 0, "training set", log: !accuracy, x: x);
        Charts.MedianLine(plot, Curves(n => n.Test), 1, "test set", log: !accuracy, x: x, dashed: true);
        foreach (var line in plot.GetPlottables<ScottPlot.Plottables.Scatter>())
            line.MarkerSize = 6;
        Charts.LogTicks(plot, plot.Axes.Bottom);
        if (!accuracy) Charts.LogTicks(plot, plot.Axes.Left);
        Charts.Legend(plot, accuracy ? Alignment.LowerRight : Alignment.UpperRight);
        return plot;
    }
}
