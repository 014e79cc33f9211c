using Homework.Experiments.Runs;
using ScottPlot;

namespace Homework.Experiments.Figures;

/// <summary>Figures 5-6, from the <c>mnist-cnn</c> experiment: loss and accuracy per epoch of the two MNIST CNNs.</summary>
public static class MnistCnnFigures
{
    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        new FigureSpec<MnistCnnResult>(5, "cnn-loss", "Loss per epoch of the two MNIST CNNs", MnistCnn.Experiment, Loss),
        new FigureSpec<MnistCnnResult>(6, "cnn-accuracy", "Training and test accuracy per epoch of the two MNIST CNNs", MnistCnn.Experiment, Accuracy),
    ];

    /// <summary>Training loss (solid) and test loss (dashed), median over seeds, log scale.</summary>
    private static Plot Loss(MnistCnnResult result)
    {
        var plot = Charts.New("epoch", "cross-entropy (log scale)", integerX: true);
        for (int n = 0; n < result.Config.Nets.Length; n++)
        {
            var net = result.Config.Nets[n];
            var runs = result.Config.Seeds.Select(s => result.Run(net.Name, s)).ToList();
            string label = $"{net.Name} ({net.Widths}, {runs[0].Parameters:N0} params)";
            Charts.MedianLine(plot, runs.Select(r => r.Epochs.Select(e => e.Loss).ToArray()).ToList(), n, $"{label}: training", log: true);
            Charts.MedianLine(plot, runs.Select(r => r.Epochs.Select(e => e.Test!.Loss).ToArray()).ToList(), n, $"{label}: test", log: true, dashed: true);
        }
        Charts.LogTicks(plot, plot.Axes.Left);
        Charts.Legend(plot);
        return plot;
    }

    /// <summary>Training accuracy (solid) and test accuracy (dashed), median over seeds.</summary>
    private static Plot Accuracy(MnistCnnResult result)
    {
        var plot = Charts.New("epoch", "accuracy (%)", integerX: true);
        for (int n = 0; n < result.Config.Nets.Length; n++)
        {
            var net = result.Config.Nets[n];
            var runs = result.Config.Seeds.Select(s => result.Run(net.Name, s)).ToList();
            Charts.MedianLine(plot, runs.Select(r => r.Epochs.Select(e => 100 * e.Train!.Accuracy!.Value).ToArray()).ToList(), n, $"{net.Name}: training set");
            Charts.MedianLine(plot, runs.Select(r => r.Epochs.Select(e => 100 * e.Test!.Accuracy!.Value).ToArray()).ToList(), n, $"{net.Name}: test set", dashed: true);
        }
        Charts.Legend(plot, Alignment.LowerRight);
        return plot;
    }
}
