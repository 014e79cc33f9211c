using FluentAssertions;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Models;

/// <summary>The harness's leaky ReLU and ELU compute what TorchSharp's modules do, to the bit, forward and backward.</summary>
public sealed class ActivationTests
{
    private static (float[] Output, float[] Gradient) Apply(nn.Module<Tensor, Tensor> activation)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var x = randn([257], generator: generator).requires_grad_(true);
        var y = activation.forward(x);
        y.backward([randn([257], generator: generator)]);
        return (y.detach().data<float>().ToArray(), x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Leaky_relu_matches_torchsharps()
    {
        var ours = Apply(new LeakyRelu(0.01));
        var theirs = Apply(nn.LeakyReLU(0.01));
        ours.Output.Should().Equal(theirs.Output);
        ours.Gradient.Should().Equal(theirs.Gradient);
        ours.Output.Should().Contain(v => v < 0, "the input has negative values, where the slope matters");
    }

    [Fact]
    public void Elu_matches_torchsharps()
    {
        var ours = Apply(new Elu());
        var theirs = Apply(nn.ELU());
        ours.Output.Should().Equal(theirs.Output);
        ours.Gradient.Should().Equal(theirs.Gradient);
    }
}
