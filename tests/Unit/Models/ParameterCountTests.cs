using Homework.Experiments.Runs;
using Homework.Models;

namespace Homework.Tests.Unit.Models;

/// <summary>Parameter counts of the built modules against hand counts (weights plus biases).</summary>
public sealed class ParameterCountTests
{
    [Theory]
    [InlineData(new[] { 1, 5, 10, 10, 10, 10, 10, 5, 1 }, 571)] // 10 + 60 + 4*110 + 55 + 6
    [InlineData(new[] { 1, 10, 18, 15, 4, 1 }, 572)]          // 20 + 198 + 285 + 64 + 5
    [InlineData(new[] { 1, 190, 1 }, 571)]                    // 380 + 191
    [InlineData(new[] { 1, 4, 8, 1 }, 57)]                    // 8 + 40 + 9 (report 1-2)
    [InlineData(new[] { 784, 20, 30, 10 }, 16_640)]           // 15,700 + 630 + 310 (report 1-3)
    public void Mlp_parameters_match_the_hand_count(int[] widths, long expected)
    {
        using var mlp = new Mlp(widths, Activation.Relu);
        mlp.ParameterCount().Should().Be(expected);
        Mlp.CountParameters(widths).Should().Be(expected);
    }

    [Fact]
    public void The_function_fitting_nets_have_the_reports_depths()
    {
        FunctionFittingConfig.Full.Nets.Select(n => n.Widths.Length - 2).Should().Equal(7, 4, 1);
    }

    [Theory]
    [InlineData(4, 8, 32, 104 + 808 + 4_128 + 330)]
    [InlineData(8, 16, 64, 208 + 3_216 + 16_448 + 650)]
    public void Cnn_parameters_match_the_hand_count(int conv1, int conv2, int hidden, long expected)
    {
        var widths = new CnnWidths(conv1, conv2, hidden);
        using var cnn = new LeNet(widths);
        cnn.ParameterCount().Should().Be(expected);
        widths.ParameterCount.Should().Be(expected);
    }

    [Fact]
    public void Invalid_widths_are_refused_with_the_widths_in_the_message()
    {
        FluentActions.Invoking(() => new Mlp([1, 0, 1])).Should().Throw<ArgumentException>().WithMessage("*[1, 0, 1]*");
        FluentActions.Invoking(() => new Mlp([3])).Should().Throw<ArgumentException>().WithMessage("*at least an input and an output*");
    }
}
