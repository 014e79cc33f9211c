using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>Figures 12-13, from the <c>parameter-count</c> experiment: final loss and accuracy against the number of parameters.</summary>
public static class ParameterCountFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<ParameterCountResult>(12, "params-loss", "Final training and test loss against the number of parameters", ParameterCount.Experiment, r => Sizes(r, accuracy: false)),
        new FigureSpec<ParameterCountResult>(13, "params-accuracy", "Final training and test accuracy against the number of parameters", ParameterCount.Experiment, r => Sizes(r, accuracy: true)),
    ];

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
