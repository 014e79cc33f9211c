using Homework.Experiments.Core;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>
/// The stop behind the <c>same-training-loss</c> variants: each member is kept at the first epoch
/// whose training-set loss reaches the target and put back after the stack trains on.
/// </summary>
public sealed class TargetLossStopTests
{
    public TargetLossStopTests() => TorchRuntime.UseThreads(1);

    private static EpochMetrics Epoch(int epoch, double trainLoss) => new(epoch, trainLoss + 0.01, new Evaluation(trainLoss, null), null);

    private static float[] Member(StackedModule model, int member)
    {
        using var single = model.ExtractMember(member);
        return [.. single.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray())];
    }

    [Fact]
    public void A_member_is_kept_at_its_first_epoch_under_the_target_and_put_back_after_the_stack_moves_on()
    {
        using var model = new StackedMlp([2, 4, 2], 2, Activation.Tanh);
        using (var generators = new Generators([1UL, 2UL])) model.InitializeMembers(generators.All);
        long steps = 10;
        using var stop = new TargetLossStop(model, 0.1, () => steps);
        float[] atTarget = Member(model, 0), otherBefore = Member(model, 1);

        stop.AfterEpoch(0, Epoch(1, 0.1));
        stop.AfterEpoch(1, Epoch(1, 0.3));
        stop.AllReached(1).Should().BeFalse("member 1 is still above the target");
        steps = 20;
        using (no_grad())
            foreach (var p in model.parameters()) p.add_(1f);
        stop.AfterEpoch(0, Epoch(2, 0.05)); // later and lower: the first epoch at the target counts

        stop.Restore();
        Member(model, 0).Should().Equal(atTarget);
        Member(model, 1).Should().Equal(otherBefore.Select(v => v + 1f), "a member that never reached the target keeps its last weights");
        (stop.Reached(0), stop.Reached(1)).Should().Be((true, false));
        (stop.StepsOf(0, -1), stop.StepsOf(1, -1)).Should().Be((10L, -1L));
        (stop.LossOf(0, double.NaN), stop.LossOf(1, 9.0)).Should().Be((0.11, 9.0), "the loss kept is the epoch's mean training loss");

        stop.AfterEpoch(1, Epoch(3, 0.09));
        stop.AllReached(3).Should().BeTrue();
    }

    [Fact]
    public void Without_the_training_set_measured_after_each_epoch_it_says_what_to_turn_on()
    {
        using var model = new StackedMlp([2, 4, 2], 2, Activation.Tanh);
        using var stop = new TargetLossStop(model, 0.1, () => 0);
        FluentActions.Invoking(() => stop.AfterEpoch(0, new EpochMetrics(1, 0.5, null, null)))
            .Should().Throw<InvalidOperationException>().WithMessage("*EvaluateTrain*");
    }
}
