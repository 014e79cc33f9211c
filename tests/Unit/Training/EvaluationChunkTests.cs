using Homework.Experiments.Core;
using Homework.Experiments.Data;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static Homework.Tests.Unit.Training.StackedTraining;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>
/// An evaluation batch run forward in chunks (<see cref="TrainingOptions.EvaluationChunk"/>) gives
/// each member the loss and accuracy of one pass over its own rows: the chunks' logits and
/// targets are joined member by member before the losses are taken. Whether the logits are the
/// same bits depends on the kernels a chunk's shape selects, so the losses are compared to float
/// tolerance here; the reproduction's strict regime checks the bits on the accepting machine.
/// </summary>
public sealed class EvaluationChunkTests
{
    public EvaluationChunkTests() => TorchRuntime.UseThreads(1);

    public static TheoryData<string> Cases() => ["cnn cross-entropy", "cnn cross-entropy, one set", "cnn cross-entropy, harness kernels", "mlp squared error"];

    /// <summary>
    /// A stack of 3 whose members each have a set of their own (so a target joined to the wrong
    /// member shows), or share one (read without a copy, as the CNNs' test set is).
    /// </summary>
    private static (StackedModule Model, TensorSet[] Sets, LossKind Loss) Case(string name)
    {
        using var generators = new Generators([20, 21, 22]);
        if (name.StartsWith("cnn", StringComparison.Ordinal))
        {
            var cnn = new StackedCnn(new CnnWidths(4, 8, 32), 3) { ChannelsLast = true, HarnessKernels = name.EndsWith("harness kernels", StringComparison.Ordinal) }
                .InitializeMembers(generators.All);
            var shared = Images(1, 150);
            return (cnn, name.EndsWith("one set", StringComparison.Ordinal) ? [shared, shared, shared] : [shared, Images(2, 150), Images(3, 150)], LossKind.CrossEntropy);
        }
        var mlp = new StackedMlp([1, 8, 1], 3, Activation.Tanh).InitializeMembers(generators.All);
        var curve = Curve(150);
        TensorSet Scaled(double factor) => new(curve.Inputs, curve.Targets * factor);
        return (mlp, [Scaled(1), Scaled(-2), Scaled(0.5)], LossKind.MeanSquaredError);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chunks_give_each_member_the_loss_and_accuracy_of_one_pass(string name)
    {
        var (model, sets, loss) = Case(name);
        // 150 rows in batches of 64, 64 and 22; chunks of 10 leave 4 and 2 rows at the ends.
        var whole = new StackedTrainer(new TrainingOptions { Epochs = 1, Loss = loss, EvaluationBatchSize = 64 }).Evaluate(model, sets);
        var chunked = new StackedTrainer(new TrainingOptions { Epochs = 1, Loss = loss, EvaluationBatchSize = 64, EvaluationChunk = 10 }).Evaluate(model, sets);
        chunked.Should().HaveCount(3);
        for (int i = 0; i < 3; i++)
        {
            chunked[i].Loss.Should().BeApproximately(whole[i].Loss, 1e-5 * Math.Abs(whole[i].Loss), $"member {i}");
            chunked[i].Accuracy.Should().Be(whole[i].Accuracy, $"member {i}");
        }
        whole.Select(e => e.Loss).Should().OnlyHaveUniqueItems("each member has weights of its own");
    }

    [Fact]
    public void A_chunk_without_rows_is_refused()
    {
        var (model, sets, loss) = Case("cnn cross-entropy");
        var act = () => new StackedTrainer(new TrainingOptions { Epochs = 1, Loss = loss, EvaluationChunk = 0 }).Evaluate(model, sets);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at least one row*");
    }
}
