using Homework.Experiments.Core;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>
/// One figure of the report: its number (Figure 1 is <c>fig01-...</c>), a slug for the file
/// name, the experiment whose result it draws, and a function that fills a <see cref="Plot"/>
/// from that result. Figures read results; they never train.
/// </summary>
public abstract class FigureSpec(int number, string slug, string title)
{
    public int Number { get; } = number;

    public string Slug { get; } = slug;

    public string Title { get; } = title;

    public string FileName => $"fig{Number:00}-{Slug}.png";

    /// <summary>The experiment whose result the figure draws.</summary>
    public abstract Experiment Experiment { get; }

    public abstract Plot Draw(object result, Profile profile);
}

/// <summary>A figure drawn from the result of one experiment; the drawing only compiles against that experiment's result type.</summary>
public sealed class FigureSpec<TResult>(int number, string slug, string title, Experiment<TResult> experiment, Func<TResult, Plot> draw)
    : FigureSpec(number, slug, title)
{
    public override Experiment Experiment => experiment;

    public override Plot Draw(object result, Profile profile)
    {
        var plot = draw((TResult)result);
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
