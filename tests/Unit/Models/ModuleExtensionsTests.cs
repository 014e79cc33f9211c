using Homework.Experiments.Core;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Models;

public sealed class ModuleExtensionsTests
{
    public ModuleExtensionsTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Initialisation_depends_only_on_the_generator_seed()
    {
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        using var g3 = new Generator(8);
        using var a = new Mlp([1, 10, 1]).InitializeWith(g1);
        using var b = new Mlp([1, 10, 1]).InitializeWith(g2);
        using var c = new Mlp([1, 10, 1]).InitializeWith(g3);
        using var va = a.ParametersToVector();
        using var vb = b.ParametersToVector();
        using var vc = c.ParametersToVector();

        va.data<float>().ToArray().Should().Equal(vb.data<float>().ToArray());
        va.data<float>().ToArray().Should().NotEqual(vc.data<float>().ToArray());
    }

    [Fact]
    public void Initialisation_is_uniform_within_one_over_sqrt_fan_in()
    {
        using var g = new Generator(1);
        using var net = new Mlp([100, 50, 1]).InitializeWith(g);
        var first = net.parameters().First();
        first.abs().max().item<float>().Should().BeLessThanOrEqualTo(0.1f);
        first.abs().max().item<float>().Should().BeGreaterThan(0.09f);
    }

    [Fact]
    public void A_vector_round_trips_through_the_parameters()
    {
        using var g = new Generator(3);
        using var net = new Mlp([2, 3, 1]).InitializeWith(g);
        using var vector = arange(net.ParameterCount(), dtype: float32);
        net.LoadVector(vector);
        using var back = net.ParametersToVector();
        back.data<float>().ToArray().Should().Equal(vector.data<float>().ToArray());
        FluentActions.Invoking(() => net.LoadVector(zeros(3))).Should().Throw<ArgumentException>().WithMessage("*3 values*13 parameters*");
    }
}
