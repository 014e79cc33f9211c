using Homework.Experiments.Runs;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>Figures 1-4, from the <c>function-fitting</c> experiment: training loss and fitted curves of the three nets on the two functions.</summary>
public static class FunctionFittingFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<FunctionFittingResult>(1, "sinc-loss", "MSE per epoch fitting sin(5πx)/(5πx)", FunctionFitting.Experiment, r => Loss(r, TargetFunction.Sinc)),
        new FigureSpec<FunctionFittingResult>(2, "sinc-fit", "sin(5πx)/(5πx) and the three nets' predictions", FunctionFitting.Experiment, r => Predictions(r, TargetFunction.Sinc)),
        new FigureSpec<FunctionFittingResult>(3, "sign-loss", "MSE per epoch fitting sign(sin(5πx))", FunctionFitting.Experiment, r => Loss(r, TargetFunction.Sign)),
        new FigureSpec<FunctionFittingResult>(4, "sign-fit", "sign(sin(5πx)) and the three nets' predictions", FunctionFitting.Experiment, r => Predictions(r, TargetFunction.Sign)),
    ];

    /// <summary>Median over seeds in bold, each seed faint, on a log scale.</summary>
    private static Plot Loss(FunctionFittingResult result, TargetFunction function)
    {
        var plot = Charts.New("epoch", "MSE (log scale)", integerX: true);
        for (int n = 0; n < result.Config.Nets.Length; n++)
        {
            var net = result.Config.Nets[n];
            var curves = result.Config.Seeds.Select(s => result.Fit(function, net.Name, s).Loss.Select(v => (double)v).ToArray()).ToList();
            Charts.MedianLine(plot, curves, n, $"{net.Name} ({net.Widths.Length - 2} hidden, {Models.Mlp.CountParameters(net.Widths)} params)", log: true);
        }
        var report = plot.Add.VerticalLine(2500);
        report.LinePattern = LinePattern.Dashed;
        report.Color = Colors.Gray;
        report.LegendText = "report: converged after 2,500 iterations";
        Charts.LogTicks(plot, plot.Axes.Left);
        Charts.Legend(plot);
        return plot;
    }

    /// <summary>The target in black and each net's prediction (first seed).</summary>
    private static Plot Predictions(FunctionFittingResult result, TargetFunction function)
    {
        var plot = Charts.New("x", "y");
        int seed = result.Config.Seeds[0];
        var target = plot.Add.ScatterLine(result.X, result.Target(function));
        target.Color = Colors.Black;
        target.LineWidth = 3;
        target.LegendText = function == TargetFunction.Sinc ? "sin(5πx)/(5πx)" : "sign(sin(5πx))";
        for (int n = 0; n < result.Config.Nets.Length; n++)
        {
            var net = result.Config.Nets[n];
            var fit = result.Fit(function, net.Name, seed);
            var line = plot.Add.ScatterLine(result.X, fit.Prediction.Select(v => (double)v).ToArray());
            line.Color = Charts.Colour(n);
            line.LineWidth = 2;
            line.LegendText = $"{net.Name} (final MSE {fit.Loss[^1]:0.###e0}, seed {seed})";
        }
        if (function == TargetFunction.Sign)
        {
            double range = result.Config.DomainEnd - result.Config.DomainStart;
            foreach (var (from, to) in new[] { (result.Config.DomainStart, result.Config.DomainStart + result.Config.EdgeBand * range), (result.Config.DomainEnd - result.Config.EdgeBand * range, result.Config.DomainEnd) })
            {
                var band = plot.Add.HorizontalSpan(from, to);
                band.FillStyle.Color = Colors.Gray.WithAlpha(0.12);
            }
        }
        Charts.Legend(plot, Alignment.UpperRight);
        return plot;
    }
}
