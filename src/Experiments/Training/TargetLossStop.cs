using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Experiments.Training;

/// <summary>
/// Trains every member of a stack to the same training loss instead of for the same number of
/// epochs (the robustness variants <c>same-training-loss</c>): each member's weights, steps and
/// epoch mean loss are kept at the end of the first epoch whose loss on its whole training set is
/// at most <see cref="Target"/>; the stack trains on until every member has got there (or its
/// epochs run out), and <see cref="Restore"/> puts each kept member back, so every member ends
/// exactly where a training of its own stopped at that epoch would.
/// </summary>
/// <remarks>
/// Hook it into a <see cref="StackedTrainer"/> with <see cref="TrainingOptions.EvaluateTrain"/> on:
/// <see cref="AfterEpoch"/> as its <c>AfterEpoch</c> and <see cref="AllReached"/> as its
/// <c>StopAfterEpoch</c>. Disposing releases the kept copies.
/// </remarks>
/// <param name="model">The stack being trained.</param>
/// <param name="target">The training loss each member trains to.</param>
/// <param name="steps">The optimiser steps taken so far (the stack's, which are every member's).</param>
public sealed class TargetLossStop(StackedModule model, double target, Func<long> steps) : IDisposable
{
    private readonly (nn.Module<Tensor, Tensor> Net, long Steps, double Loss)?[] reached = new (nn.Module<Tensor, Tensor>, long, double)?[model.Members];

    public double Target { get; } = target;

    /// <summary>After an epoch: keeps member <paramref name="member"/> if this is the first epoch at which it reached the target.</summary>
    public void AfterEpoch(int member, EpochMetrics metrics)
    {
        var train = metrics.Train ?? throw new InvalidOperationException("Training to a target loss needs the training set measured after every epoch (TrainingOptions.EvaluateTrain).");
        if (reached[member] is null && train.Loss <= Target)
            reached[member] = (model.ExtractMember(member), steps(), metrics.Loss);
    }

    /// <summary>True once every member has reached the target (the training can stop).</summary>
    public bool AllReached(int epoch) => reached.All(r => r is not null);

    /// <summary>Whether member <paramref name="member"/> reached the target within its epochs.</summary>
    public bool Reached(int member) => reached[member] is not null;

    /// <summary>The steps member <paramref name="member"/> took to reach the target, else <paramref name="otherwise"/>.</summary>
    public long StepsOf(int member, long otherwise) => reached[member]?.Steps ?? otherwise;

    /// <summary>The mean training loss of the epoch at which member <paramref name="member"/> reached the target, else <paramref name="otherwise"/>.</summary>
    public double LossOf(int member, double otherwise) => reached[member]?.Loss ?? otherwise;

    /// <summary>Puts every member that reached the target back to its weights at that epoch.</summary>
    public void Restore()
    {
        for (int i = 0; i < reached.Length; i++)
            if (reached[i] is { } at)
                model.LoadMember(i, at.Net);
    }

    public void Dispose()
    {
        foreach (var at in reached)
            at?.Net.Dispose();
    }
}
