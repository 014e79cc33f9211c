using Homework.Experiments.Analysis;
using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static Homework.Tests.Unit.Training.StackedTraining;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Analysis;

/// <summary>
/// <see cref="MlpLine"/> gives, at every α, the loss and accuracy of the net loaded with
/// θ(α) = (1 − α)·θ1 + α·θ2 and evaluated as the trainer evaluates it, to float32 rounding: on the
/// line, beyond both ends, for nets with no, one and two hidden layers.
/// </summary>
public sealed class MlpLineTests
{
    public MlpLineTests() => TorchRuntime.UseThreads(1);

    public static TheoryData<int[], Activation> Nets() => new()
    {
        { [784, 64, 10], Activation.Relu },
        { [784, 10], Activation.Relu },
        { [784, 16, 12, 10], Activation.Tanh },
    };

    [Theory]
    [MemberData(nameof(Nets))]
    public void Every_alpha_gives_the_loss_and_accuracy_of_the_net_loaded_with_that_point(int[] widths, Activation activation)
    {
        using var scope = NewDisposeScope();
        var set = Images(5, 300);
        using var g1 = new Generator(1);
        using var g2 = new Generator(2);
        using var net1 = new Mlp(widths, activation).InitializeWith(g1);
        using var net2 = new Mlp(widths, activation).InitializeWith(g2);
        var theta1 = net1.ParametersToVector();
        var theta2 = net2.ParametersToVector();
        using var line = new MlpLine(widths, activation, theta1, theta2, set);
        using var model = new Mlp(widths, activation);
        var evaluator = new Trainer(new TrainingOptions { Epochs = 1, Loss = LossKind.CrossEntropy, EvaluationBatchSize = 128 });

        var losses = new List<double>();
        foreach (double alpha in new[] { -1, -0.05, 0, 0.3, 1, 1.05, 2 })
        {
            model.LoadVector(MlpLine.Between(theta1, theta2, alpha));
            var expected = evaluator.Evaluate(model, set);
            var actual = line.At(alpha);
            actual.Loss.Should().BeApproximately(expected.Loss, 1e-5 * Math.Max(1, expected.Loss), $"α = {alpha}");
            actual.Accuracy!.Value.Should().BeApproximately(expected.Accuracy!.Value, 1.0 / 300 + 1e-12, $"α = {alpha}: a near tie may round the other way, nothing more");
            losses.Add(actual.Loss);
        }
        losses.Distinct().Should().HaveCount(losses.Count, "every α is another point of the line");
    }

    [Fact]
    public void Ends_of_another_net_are_refused_with_both_counts()
    {
        using var scope = NewDisposeScope();
        var set = Images(5, 10);
        var act = () => new MlpLine([784, 64, 10], Activation.Relu, zeros(100), zeros(100), set);
        act.Should().Throw<ArgumentException>().WithMessage("*50890 parameters*100 and 100*");
    }
}
