using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Training;

public enum LossKind
{
    /// <summary>Mean squared error, for regression (function fitting).</summary>
    MeanSquaredError,

    /// <summary>Cross-entropy on logits, for classification (MNIST).</summary>
    CrossEntropy,
}

public enum OptimizerKind
{
    Adam,
    Sgd,
}

/// <summary>How to train: the schedule, the optimiser and what to measure.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public required int Epochs { get; init; }

    /// <summary>Samples per step; null means full batch (one step per epoch).</summary>
    public int? BatchSize { get; init; }

    public double LearningRate { get; init; } = 1e-3;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    public LossKind Loss { get; init; } = LossKind.CrossEntropy;

    /// <summary>Reshuffle the training set every epoch (with the run's own generator).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Measure loss (and accuracy) on the whole training set after every <see cref="EvaluateEvery"/> epochs, in eval mode.</summary>
    public bool EvaluateTrain { get; init; }

    /// <summary>Epochs between evaluations of the training and test sets; the last epoch is always evaluated.</summary>
    public int EvaluateEvery { get; init; } = 1;

    /// <summary>Batch size of evaluation passes, over which each loss is summed.</summary>
    public int EvaluationBatchSize { get; init; } = 2000;

    /// <summary>
    /// Null (the default): each evaluation batch goes forward at once. Else the stacked trainer
    /// runs it forward in pieces of this many rows and takes the losses over the whole batch,
    /// which is faster where the whole batch's activations do not fit in a core's cache (the
    /// CNNs). The logits, and so the losses, can differ from one pass's in their last bits,
    /// depending on the kernels a piece's shape selects.
    /// </summary>
    public int? EvaluationChunk { get; init; }

    /// <summary>Stop after this many optimiser steps in all (e.g. "2000 iterations"); null means run every epoch.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>
    /// Update every parameter at once in one buffer (<see cref="FlatParameters"/>): bit-identical
    /// to updating them one by one, in fewer LibTorch calls. False only where the benchmarks
    /// compare the two.
    /// </summary>
    public bool FlatParameters { get; init; } = true;

    /// <summary>
    /// Adam's arithmetic in the harness's fused passes where the tensors allow (<see cref="FusedAdam"/>):
    /// bit-identical to LibTorch's calls one by one, and faster. False only where the benchmarks
    /// compare the two.
    /// </summary>
    public bool FusedOptimizer { get; init; } = true;
}

/// <summary>Loss and accuracy of a model on a whole set; accuracy is null for regression.</summary>
public sealed record Evaluation(double Loss, double? Accuracy);

/// <summary>What one epoch measured.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Loss">Mean training loss over the epoch's steps (before each step's update).</param>
/// <param name="Train">Whole training set after the epoch, if asked for.</param>
/// <param name="Test">Whole test set after the epoch, if given.</param>
public sealed record EpochMetrics(int Epoch, double Loss, Evaluation? Train, Evaluation? Test);

/// <summary>What the trainer passes to a per-step hook, after backward and before the update.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">1-based optimiser step, counted over the whole run.</param>
/// <param name="Loss">The batch loss as a tensor with its graph (for hooks that need it).</param>
public sealed record StepInfo(int Epoch, int Step, Tensor Loss);

/// <summary>
/// The one training loop of the project. It knows no particular model: it takes a module,
/// the data, the options and the run's generator, and returns the per-epoch metrics as
/// data (minGPT's trainer, TorchSharpExamples' Train/Test). Every step runs in its own
/// dispose scope, evaluation runs in eval mode without gradients, shuffling draws from
/// the run's generator only, and a NaN or infinite loss stops the run with an error.
/// </summary>
public sealed class Trainer(TrainingOptions options)
{
    public TrainingOptions Options { get; } = options;

    /// <summary>Called after every backward pass, before the optimiser step (gradients are in place).</summary>
    public Action<StepInfo>? AfterBackward { get; init; }

    /// <summary>Called after every epoch with the epoch's metrics.</summary>
    public Action<EpochMetrics>? AfterEpoch { get; init; }

    /// <summary>Receives the work of the training steps when the loop ends (not of its evaluations); none when null.</summary>
    public ITrainingMeter? Meter { get; init; }

    /// <summary>Progress, one unit per epoch.</summary>
    public IProgressTask? Progress { get; init; }

    /// <summary>Name used in error messages (e.g. "deep net, seed 3").</summary>
    public string RunName { get; init; } = "training";

    /// <summary>Trains <paramref name="model"/>; returns the metrics of every epoch.</summary>
    /// <param name="model">The net, initialised.</param>
    /// <param name="train">The training set.</param>
    /// <param name="test">The test set, evaluated after the epochs <see cref="TrainingOptions.EvaluateEvery"/> names, or null.</param>
    /// <param name="generator">The run's generator, for the shuffles.</param>
    /// <param name="trainSample">
    /// Where <see cref="TrainingOptions.EvaluateTrain"/> measures the training set at every epoch but
    /// the last, which always measures all of it; null measures all of it every time. Evaluating
    /// all 60,000 MNIST images after each of 70 epochs costs about a fifth of the CNNs' training,
    /// while a fixed sample of 10,000 estimates the accuracy to about ±0.1 points near 99%.
    /// </param>
    public IReadOnlyList<EpochMetrics> Fit(nn.Module<Tensor, Tensor> model, TensorSet train, TensorSet? test, Generator generator, TensorSet? trainSample = null)
    {
        if (Options.Epochs < 1) throw new UsageException($"Epochs must be at least 1; got {Options.Epochs}.");
        if (Options.BatchSize is < 1) throw new UsageException($"Batch size must be at least 1; got {Options.BatchSize}.");

        using var optimizer = CreateOptimizer(model);
        var history = new List<EpochMetrics>(Options.Epochs);
        long n = train.Count;
        long batch = Math.Min(Options.BatchSize ?? n, n);
        int step = 0;
        long samples = 0;
        double threadSeconds = 0, wallSeconds = 0;
        var batchOrder = new BatchOrder(1);

        for (int epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            model.train();
            double sum = 0;
            long seen = 0;
            double threadStart = ThreadClock.Seconds;
            long wallStart = System.Diagnostics.Stopwatch.GetTimestamp();
            using (var order = Options.Shuffle && batch < n ? randperm(n, generator: generator) : null)
            {
                batchOrder.Epoch(order, n, batch);
                for (long start = 0; start < n; start += batch)
                {
                    if (Options.MaxSteps is { } max && step >= max) break;
                    using var scope = NewDisposeScope();
                    long size = Math.Min(batch, n - start);
                    var (x, y) = Batch(train, order, start, size);
                    optimizer.ZeroGrad();
                    var loss = LossOf(model.forward(x), y, reduction: nn.Reduction.Mean);
                    loss.backward();
                    step++;
                    AfterBackward?.Invoke(new StepInfo(epoch, step, loss));
                    optimizer.Step();
                    sum += loss.ToDouble() * size;
                    seen += size;
                }
            }

            threadSeconds += ThreadClock.Seconds - threadStart;
            wallSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
            samples += seen;

            double epochLoss = seen > 0 ? sum / seen : double.NaN;
            if (!double.IsFinite(epochLoss))
                throw new TrainingDivergedException(epoch, epochLoss, RunName);

            bool last = epoch == Options.Epochs || (Options.MaxSteps is { } m && step >= m);
            bool evaluate = last || epoch % Options.EvaluateEvery == 0;
            var metrics = new EpochMetrics(
                epoch,
                epochLoss,
                evaluate && Options.EvaluateTrain ? Evaluate(model, last ? train : trainSample ?? train) : null,
                evaluate && test is not null ? Evaluate(model, test) : null);
            history.Add(metrics);
            AfterEpoch?.Invoke(metrics);
            Progress?.Advance();
            if (last) break;
        }
        if (Meter is not null)
        {
            var (net, multiplyAdds) = FlopCounts.Of(model) ?? (TrainingWork.UnknownNet, 0);
            Meter.Record(new TrainingWork(net, 1, step, samples, multiplyAdds, threadSeconds, wallSeconds, batchOrder.Digest));
        }
        return history;
    }

    /// <summary>Loss (and accuracy, for classification) on a whole set, in eval mode without gradients.</summary>
    public Evaluation Evaluate(nn.Module<Tensor, Tensor> model, TensorSet set)
    {
        model.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0;
        long n = set.Count;
        for (long start = 0; start < n; start += Options.EvaluationBatchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(Options.EvaluationBatchSize, n - start);
            var x = set.Inputs.narrow(0, start, size);
            var y = set.Targets.narrow(0, start, size);
            var output = model.forward(x);
            lossSum += LossOf(output, y, nn.Reduction.Sum).ToDouble();
            if (Options.Loss == LossKind.CrossEntropy)
                correct += output.argmax(1).eq(y).sum().item<long>();
        }
        model.train();
        // MSE summed over every element; divide by elements so it matches the mean-reduced training loss.
        double denominator = Options.Loss == LossKind.MeanSquaredError ? set.Targets.numel() : n;
        return new Evaluation(lossSum / denominator, Options.Loss == LossKind.CrossEntropy ? (double)correct / n : null);
    }

    private Tensor LossOf(Tensor output, Tensor target, nn.Reduction reduction) => Options.Loss switch
    {
        LossKind.MeanSquaredError => nn.functional.mse_loss(output, target, reduction),
        LossKind.CrossEntropy => nn.functional.cross_entropy(output, target, reduction: reduction),
        _ => throw new UsageException($"Unknown loss {Options.Loss}."),
    };

    private static (Tensor X, Tensor Y) Batch(TensorSet set, Tensor? order, long start, long size)
    {
        if (order is null)
            return size == set.Count ? (set.Inputs, set.Targets) : (set.Inputs.narrow(0, start, size), set.Targets.narrow(0, start, size));
        var indices = order.narrow(0, start, size);
        return (set.Inputs.index_select(0, indices), set.Targets.index_select(0, indices));
    }

    private IOptimizer CreateOptimizer(nn.Module<Tensor, Tensor> model) => Options.Optimizer switch
    {
        OptimizerKind.Adam => Optimizers.Adam(model.parameters(), Options.LearningRate, Options.FlatParameters, Options.FusedOptimizer),
        OptimizerKind.Sgd => Optimizers.Sgd(model.parameters(), Options.LearningRate, Options.FlatParameters),
        _ => throw new UsageException($"Unknown optimizer {Options.Optimizer}; valid: {string.Join(", ", Enum.GetNames<OptimizerKind>())}."),
    };
}
