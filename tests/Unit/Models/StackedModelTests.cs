using Homework.Experiments.Core;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Models;

/// <summary>The stacked nets: member by member, they are the single nets.</summary>
public sealed class StackedModelTests
{
    public StackedModelTests() => TorchRuntime.EnsureLoaded();

    public static TheoryData<string> Kinds() => ["mlp-leaky", "mlp-elu", "mnist-mlp", "cnn"];

    private static StackedModule Stack(string kind, int members) => kind switch
    {
        "mlp-leaky" => new StackedMlp([1, 5, 10, 1], members, Activation.LeakyRelu),
        "mlp-elu" => new StackedMlp([2, 8, 3], members, Activation.Elu),
        "mnist-mlp" => new StackedMlp([784, 20, 30, 10], members, Activation.Relu),
        "cnn" => new StackedCnn(new CnnWidths(4, 8, 32), members),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static Tensor Inputs(string kind, Generator g, int rows) => kind switch
    {
        "mlp-leaky" => randn([rows, 1], generator: g),
        "mlp-elu" => randn([rows, 2], generator: g),
        _ => randn([rows, 1, 28, 28], generator: g),
    };

    private static float[] Values(Tensor t)
    {
        using var c = t.detach().contiguous();
        return c.data<float>().ToArray();
    }

    private static double MaxDifference(float[] a, float[] b)
    {
        a.Should().HaveSameCount(b);
        return a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Members_are_initialised_as_the_single_net_from_their_own_generator(string kind)
    {
        using var stack = Stack(kind, 3);
        var stackGenerators = new[] { new Generator(5), new Generator(6), new Generator(7) };
        stack.InitializeMembers(stackGenerators);
        for (int i = 0; i < 3; i++)
        {
            using var g = new Generator((ulong)(5 + i));
            using var single = stack.CreateSingle().InitializeWith(g);
            using var member = stack.ExtractMember(i);
            Values(member.ParametersToVector()).Should().Equal(Values(single.ParametersToVector()));
            // The generator is left where the single initialisation leaves it, for the shuffles that follow.
            using var next = rand([4], generator: g);
            using var stackNext = rand([4], generator: stackGenerators[i]);
            Values(stackNext).Should().Equal(Values(next));
        }
        foreach (var g in stackGenerators) g.Dispose();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_stack_holds_M_times_the_parameters_of_one_net(string kind)
    {
        using var stack = Stack(kind, 4);
        using var single = stack.CreateSingle();
        stack.ParameterCount().Should().Be(4 * single.ParameterCount());
        stack.parameters().Should().HaveCount(single.parameters().Count());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_member_computes_what_its_single_net_computes(string kind)
    {
        using var g = new Generator(3);
        var generators = new[] { new Generator(1), new Generator(2), new Generator(3) };
        using var stack = Stack(kind, 3).InitializeMembers(generators);
        using var source = Inputs(kind, g, 12);
        using var indices = randperm(12, generator: g).view(3, 4); // member i gets rows indices[i]
        using var gathered = stack.Forward(stack.Gather(source, indices)); // (3, 4, out)
        using var broadcast = stack.Forward(stack.Broadcast(source));       // (3, 12, out)
        for (int i = 0; i < 3; i++)
        {
            using var single = stack.ExtractMember(i);
            using var own = single.forward(source.index_select(0, indices[i]));
            using var all = single.forward(source);
            MaxDifference(Values(gathered[i]), Values(own)).Should().BeLessThan(1e-5, $"member {i}'s own rows");
            MaxDifference(Values(broadcast[i]), Values(all)).Should().BeLessThan(1e-5, $"member {i} on the shared rows");
        }
        foreach (var generator in generators) generator.Dispose();
    }

    [Theory]
    [InlineData(new[] { 1, 5, 10, 10, 10, 10, 10, 5, 1 }, 10, true)] // the deep 1-1 net
    [InlineData(new[] { 1, 4, 8, 1 }, 100, true)]                     // the 1-2 nets
    [InlineData(new[] { 2, 32, 3 }, 2, true)]
    [InlineData(new[] { 2, 33, 3 }, 2, false)]
    [InlineData(new[] { 1, 190, 1 }, 10, false)]                      // the shallow 1-1 net
    [InlineData(new[] { 784, 20, 30, 10 }, 5, false)]                 // MNIST
    [InlineData(new[] { 1, 4, 8, 1 }, 1, false)]                      // a stack of one keeps the single net's layout
    public void Stacks_of_nets_no_wider_than_32_compute_features_first(int[] widths, int members, bool featureMajor)
    {
        using var stack = new StackedMlp(widths, members);
        stack.FeatureMajor.Should().Be(featureMajor);
        // Parameters are in the single net's order either way, M of them each.
        using var single = stack.CreateSingle();
        stack.ParameterCount().Should().Be(members * single.ParameterCount());
    }

    [Fact]
    public void Member_gradient_norms_are_each_single_nets_gradient_norm()
    {
        // What the gradient-norm experiment records after every backward pass, per member.
        using var g = new Generator(8);
        var generators = new[] { new Generator(1), new Generator(2), new Generator(3) };
        using var stack = new StackedMlp([1, 4, 8, 1], 3, Activation.LeakyRelu).InitializeMembers(generators);
        using var x = randn([50, 1], generator: g);
        using var y = randn([50, 1], generator: g);
        using (var output = stack.Forward(stack.Broadcast(x)))
        using (var each = nn.functional.mse_loss(output, y.unsqueeze(0).expand(3, 50, 1), nn.Reduction.None))
        using (var loss = each.view(3, -1).mean([1]).sum())
            loss.backward();
        using var norms = stack.MemberGradientNorms();
        for (int i = 0; i < 3; i++)
        {
            using var single = stack.ExtractMember(i);
            using (var loss = nn.functional.mse_loss(single.forward(x), y)) loss.backward();
            double expected = Math.Sqrt(single.parameters().Sum(p => p.grad!.pow(2).sum().ToDouble()));
            norms[i].ToDouble().Should().BeApproximately(expected, 1e-5 * expected, $"member {i}");
        }
        foreach (var generator in generators) generator.Dispose();
    }

    [Fact]
    public void Loading_then_extracting_a_member_gives_back_the_net()
    {
        using var g = new Generator(9);
        using var stack = new StackedCnn(new CnnWidths(2, 3, 4), 3);
        using var single = new LeNet(new CnnWidths(2, 3, 4)).InitializeWith(g);
        stack.LoadMember(2, single);
        using var back = stack.ExtractMember(2);
        using var untouched = stack.ExtractMember(0);
        Values(back.ParametersToVector()).Should().Equal(Values(single.ParametersToVector()));
        Values(untouched.ParametersToVector()).Should().OnlyContain(v => v == 0);
    }

    [Fact]
    public void A_net_of_another_shape_is_refused()
    {
        using var stack = new StackedMlp([2, 8, 3], 2);
        using var other = new Mlp([2, 9, 3]);
        FluentActions.Invoking(() => stack.LoadMember(0, other)).Should().Throw<ArgumentException>().WithMessage("*shape*");
        FluentActions.Invoking(() => stack.LoadMember(2, other)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Converting_to_double_keeps_the_members_and_their_layers()
    {
        // The minimal-ratio experiment trains in double precision (Module.to(float64) replaces every parameter).
        var generators = new[] { new Generator(1), new Generator(2) };
        using var stack = new StackedMlp([1, 4, 1], 2, Activation.Tanh).InitializeMembers(generators);
        using var before = stack.ExtractMember(1);
        stack.to(float64);
        stack.parameters().Should().OnlyContain(p => p.dtype == float64);
        using var input = ones(2, 3, 1, dtype: float64);
        using var output = stack.Forward(input);
        output.dtype.Should().Be(float64);
        using var after = stack.ExtractMember(1);
        after.parameters().Should().OnlyContain(p => p.dtype == float64);
        using var a = after.ParametersToVector().to(float32);
        Values(a).Should().Equal(Values(before.ParametersToVector()));
        foreach (var g in generators) g.Dispose();
    }

    [Fact]
    public void AddBatchProduct_is_input_plus_the_batched_product()
    {
        // Guards the argument order TorchSharp 0.107's Tensor.baddbmm gets wrong (see StackedOps).
        using var g = new Generator(4);
        using var input = randn([3, 1, 5], generator: g);
        using var a = randn([3, 4, 2], generator: g);
        using var b = randn([3, 2, 5], generator: g);
        using var expected = a.bmm(b) + input;
        using var actual = StackedOps.AddBatchProduct(input, a, b);
        actual.shape.Should().Equal(3, 4, 5);
        MaxDifference(Values(actual), Values(expected)).Should().BeLessThan(1e-5);
    }
}

/// <summary>Shorthand: the stack's forward as its base type exposes it.</summary>
internal static class StackedModuleTestExtensions
{
    public static Tensor Forward(this StackedModule stack, Tensor input) => stack.forward(input);
}
