using System.Collections.Concurrent;
using Homework.Models;

namespace Homework.Experiments.Training;

/// <summary>
/// What one training loop did, its steps only (not its evaluations), to state how close the
/// training comes to the machine's arithmetic limit (issue 15: achieved GFLOP/s against the sgemm peak).
/// </summary>
/// <param name="Net">The net kind, e.g. "mlp 1-4-8-1" or "cnn conv4-conv8-fc32".</param>
/// <param name="Members">Nets trained at once (1 for a single net).</param>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="Samples">Training samples of every step and member, summed.</param>
/// <param name="MultiplyAddsPerSample">Multiply-adds of one sample's forward pass of one net (<see cref="FlopCounts.Of"/>).</param>
/// <param name="ThreadSeconds">CPU time of the training thread in the steps (<see cref="Core.ThreadClock"/>; NaN where unknown).</param>
/// <param name="WallSeconds">Wall time of the steps.</param>
/// <param name="BatchOrder">The <see cref="Training.BatchOrder"/> digest of the loop's nets.</param>
public sealed record TrainingWork(string Net, int Members, long Steps, long Samples, long MultiplyAddsPerSample, double ThreadSeconds, double WallSeconds, ulong BatchOrder = 0)
{
    /// <summary>The net kind of a model <see cref="FlopCounts.Of"/> does not know, whose FLOPs are not counted.</summary>
    public const string UnknownNet = "other";

    /// <summary>FLOPs of the steps, counted from the shapes (<see cref="FlopCounts.TrainingStep"/>).</summary>
    public double Flops => FlopCounts.TrainingStep(MultiplyAddsPerSample, Samples);
}

/// <summary>Receives a <see cref="TrainingWork"/> from every training loop (the benchmarks' experiment table, a run's batch-order digest).</summary>
public interface ITrainingMeter
{
    /// <summary>Called once per training loop, from the thread that trained; may be called from several threads at once.</summary>
    void Record(TrainingWork work);
}

/// <summary>Collects every training loop's <see cref="TrainingWork"/>, from any thread, and passes each on to <paramref name="next"/> when given.</summary>
public sealed class TrainingMeter(ITrainingMeter? next = null) : ITrainingMeter
{
    private readonly ConcurrentQueue<TrainingWork> work = new();

    public void Record(TrainingWork work)
    {
        this.work.Enqueue(work);
        next?.Record(work);
    }

    /// <summary>Everything recorded so far, in the order it arrived.</summary>
    public IReadOnlyList<TrainingWork> Work => [.. work];

    /// <summary>The run's <see cref="Training.BatchOrder"/> digest: of every loop recorded so far, in any order.</summary>
    public ulong BatchOrder => Training.BatchOrder.Combine(work.Select(w => w.BatchOrder));
}
