using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Homework.Experiments.Figures;

/// <summary>The shared look of the figures: palette, log axes, legends, medians over seeds.</summary>
public static class Charts
{
    /// <summary>Category10, the palette readers know from matplotlib.</summary>
    public static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    public static Color Colour(int index) => Palette[index % Palette.Length];

    public static Plot New(string xLabel, string yLabel, bool integerX = false)
    {
        var plot = new Plot();
        if (integerX) IntegerTicks(plot.Axes.Bottom);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.FigureBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        return plot;
    }

    /// <summary>
    /// Labels an axis whose data are log10 values with the real values: 1, 2 and 5 times the
    /// powers of ten the data span (only the powers when they span more than two decades),
    /// with log-spaced minor ticks. Call after every series is added.
    /// </summary>
    public static void LogTicks(Plot plot, IAxis axis)
    {
        plot.Axes.AutoScale();
        var range = axis.Range;
        double low = Math.Floor(range.Min), high = Math.Ceiling(range.Max);
        double[] steps = high - low > 2 ? [1] : [1, 2, 5];
        var ticks = new NumericManual();
        for (double decade = low; decade <= high; decade++)
            for (int m = 1; m <= 9; m++)
            {
                double position = decade + Math.Log10(m);
                if (position < range.Min || position > range.Max) continue;
                if (steps.Contains(m)) ticks.AddMajor(position, FormatPowerOfTen(m * Math.Pow(10, decade)));
                else ticks.AddMinor(position);
            }
        axis.TickGenerator = ticks;
    }

    /// <summary>Whole-number ticks only (epochs, iterations).</summary>
    public static void IntegerTicks(IAxis axis) => axis.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };

    public static string FormatPowerOfTen(double value) =>
        value >= 1e-3 && value < 1e4 ? value.ToString("0.###", CultureInfo.InvariantCulture) : value.ToString("0e0", CultureInfo.InvariantCulture);

    public static double[] Log10(IEnumerable<double> values) => values.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray();

    /// <summary>
    /// One curve per seed, faint, and their element-wise median in bold with a legend entry.
    /// x is 1..n (epochs) unless given; with <paramref name="log"/> the values are drawn as
    /// log10; <paramref name="yAxis"/> puts the lines on another y axis (e.g. the right one).
    /// </summary>
    public static void MedianLine(Plot plot, IReadOnlyList<double[]> curves, int colour, string label,
        bool log = false, bool dashed = false, double[]? x = null, IYAxis? yAxis = null)
    {
        double[] Y(IEnumerable<double> values) => log ? Log10(values) : values.ToArray();
        x ??= Epochs(curves.Min(c => c.Length));
        var pattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        if (curves.Count > 1)
            foreach (var curve in curves)
            {
                var faint = plot.Add.ScatterLine(x, Y(curve.Take(x.Length)));
                faint.Color = Colour(colour).WithAlpha(0.2);
                faint.LineWidth = 1;
                faint.LinePattern = pattern;
                if (yAxis is not null) faint.Axes.YAxis = yAxis;
            }
        var median = plot.Add.ScatterLine(x, Y(Median(curves).Take(x.Length)));
        median.Color = Colour(colour);
        median.LineWidth = 2.5f;
        median.LinePattern = pattern;
        median.LegendText = curves.Count > 1 ? $"{label} (median of {curves.Count} seeds)" : label;
        if (yAxis is not null) median.Axes.YAxis = yAxis;
    }

    /// <summary>Element-wise median of several curves, over their common length.</summary>
    public static double[] Median(IReadOnlyList<float[]> curves) => Median(curves.Select(c => c.Select(v => (double)v).ToArray()).ToList());

    /// <summary>Element-wise median of several curves, over their common length.</summary>
    public static double[] Median(IReadOnlyList<double[]> curves)
    {
        int length = curves.Min(c => c.Length);
        var median = new double[length];
        var column = new double[curves.Count];
        for (int i = 0; i < length; i++)
        {
            for (int c = 0; c < curves.Count; c++) column[c] = curves[c][i];
            Array.Sort(column);
            median[i] = column.Length % 2 == 1 ? column[column.Length / 2] : (column[column.Length / 2 - 1] + column[column.Length / 2]) / 2;
        }
        return median;
    }

    /// <summary>1, 2, ..., n as doubles (epoch numbers).</summary>
    public static double[] Epochs(int count) => Enumerable.Range(1, count).Select(i => (double)i).ToArray();

    public static void Legend(Plot plot, Alignment where = Alignment.UpperRight)
    {
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = where;
    }

    /// <summary>Legend below the data in columns, for figures with no empty corner to put it in.</summary>
    public static void LegendBelow(Plot plot)
    {
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
    }

    /// <summary>A bold line with a legend entry on the given y axis, solid or dashed.</summary>
    public static ScottPlot.Plottables.Scatter Line(Plot plot, double[] x, double[] y, Color colour, bool dashed, string label, IYAxis axis)
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
