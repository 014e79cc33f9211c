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

    public static Plot New(string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.FigureBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        return plot;
    }

    /// <summary>Shows an axis whose data are log10 values as powers of ten, with log-spaced minor ticks.</summary>
    public static void LogTicks(IAxis axis)
    {
        axis.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => FormatPowerOfTen(Math.Pow(10, v)),
        };
    }

    public static string FormatPowerOfTen(double value) =>
        value >= 1e-3 && value < 1e5 ? value.ToString("0.###", CultureInfo.InvariantCulture) : value.ToString("0e0", CultureInfo.InvariantCulture);

    public static double[] Log10(IEnumerable<double> values) => values.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray();

    /// <summary>Element-wise median of several equally long curves.</summary>
    public static double[] Median(IReadOnlyList<float[]> curves)
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
}
