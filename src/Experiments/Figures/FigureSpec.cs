using Homework.Experiments.Core;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>
/// One figure of the report: its number (Figure 1 is <c>fig01-...</c>), a slug for the file
/// name, and a function that fills a <see cref="Plot"/> from an experiment's result. Figures
/// read results; they never train.
/// </summary>
public abstract record FigureSpec(int Number, string Slug, string Title, string Experiment)
{
    public string FileName => $"fig{Number:00}-{Slug}.png";

    public abstract Plot Draw(object result, Profile profile);
}

public sealed record FigureSpec<TResult>(int Number, string Slug, string Title, string Experiment, Func<TResult, Plot> DrawTyped)
    : FigureSpec(Number, Slug, Title, Experiment)
{
    public override Plot Draw(object result, Profile profile)
    {
        var plot = DrawTyped((TResult)result);
        plot.Title($"Figure {Number}. {Title}" + (profile == Profile.Quick ? "  (quick profile)" : ""));
        return plot;
    }
}

/// <summary>Saves every figure as a PNG of one fixed size into one folder.</summary>
public static class FigureWriter
{
    public const int Width = 1000;
    public const int Height = 620;

    public static string Write(string folder, FigureSpec figure, object result, Profile profile)
    {
        using var plot = figure.Draw(result, profile);
        string path = Path.Combine(folder, figure.FileName);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
        return path;
    }
}
