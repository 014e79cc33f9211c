using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>Figure 11, from the <c>random-labels</c> experiment: loss and accuracy per epoch of a net trained on random labels.</summary>
public static class RandomLabelsFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<RandomLabelsResult>(11, "random-labels", "Fitting random labels: training and test loss per epoch", RandomLabels.Experiment, RandomLabelsPlot),
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
}
