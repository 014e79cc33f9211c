using TorchSharp;

namespace Homework.Models;

/// <summary>
/// Floating-point work of the nets, counted from their shapes, to state how close a training
/// step comes to the machine's arithmetic limit (issue 15: achieved GFLOP/s against the sgemm
/// peak). Only the multiply-adds of the linear and convolution layers count; activations,
/// pooling, the loss and the optimiser are a few operations per value, negligible beside them
/// for every net here but the smallest MLPs, whose steps are call overhead anyway.
/// </summary>
public static class FlopCounts
{
    /// <summary>Multiply-adds of one sample's forward pass through an MLP of these widths.</summary>
    public static long MlpMultiplyAdds(IReadOnlyList<int> widths) =>
        Enumerable.Range(0, widths.Count - 1).Sum(i => (long)widths[i] * widths[i + 1]);

    /// <summary>
    /// Multiply-adds of one sample's forward pass through a <see cref="LeNet"/>: the 5x5
    /// convolutions at every output pixel (24x24, then 8x8), then the two linear layers.
    /// </summary>
    public static long CnnMultiplyAdds(CnnWidths widths) =>
        24L * 24 * widths.Conv1 * 1 * 25
        + 8L * 8 * widths.Conv2 * widths.Conv1 * 25
        + 16L * widths.Conv2 * widths.Hidden
        + 10L * widths.Hidden;

    /// <summary>
    /// FLOPs of one training step on a batch: the forward pass is 2 FLOPs per multiply-add, and
    /// the backward pass about twice the forward (the gradients with respect to the inputs and
    /// to the weights each cost one forward), so 6 per multiply-add and sample.
    /// </summary>
    public static double TrainingStep(long multiplyAddsPerSample, long batch) => 6.0 * multiplyAddsPerSample * batch;

    /// <summary>
    /// The net kind and the multiply-adds of one sample's forward pass of one net (one member of a
    /// stack), for the nets of this project; null for another module.
    /// </summary>
    public static (string Net, long MultiplyAdds)? Of(torch.nn.Module module) => module switch
    {
        Mlp m => ($"mlp {string.Join("-", m.Widths)}", MlpMultiplyAdds(m.Widths)),
        StackedMlp m => ($"mlp {string.Join("-", m.Widths)}", MlpMultiplyAdds(m.Widths)),
        LeNet c => ($"cnn {c.Widths}", CnnMultiplyAdds(c.Widths)),
        StackedCnn c => ($"cnn {c.Widths}", CnnMultiplyAdds(c.Widths)),
        _ => null,
    };
}
