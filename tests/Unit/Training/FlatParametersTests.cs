using FluentAssertions;
using Homework.Experiments.Training;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>
/// The optimisers over one flat buffer (<see cref="FlatParameters"/>) train exactly as over each
/// parameter: every parameter and every loss bit for bit the same after some steps, for each kind
/// of stacked net the experiments train (parameter sizes with and without a vector's remainder).
/// </summary>
public sealed class FlatParametersTests
{
    private static readonly string[] Nets = ["cnn channels-last x3", "cnn x1", "mlp leaky x4", "mlp shallow x2", "mlp tanh float64 x5", "mlp relu mnist x3"];

    private static (StackedModule Model, Tensor Input, Tensor Target, bool Classes) Case(string name, Generator g)
    {
        int members = int.Parse(name[(name.LastIndexOf('x') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var generators = Enumerable.Range(0, members).Select(i => new Generator((ulong)(11 + i))).ToArray();
        StackedModule model = name switch
        {
            _ when name.StartsWith("cnn") => new StackedCnn(new CnnWidths(4, 8, 32), members) { ChannelsLast = name.Contains("channels-last") },
            _ when name.Contains("leaky") => new StackedMlp([1, 5, 10, 10, 5, 1], members, Activation.LeakyRelu),
            _ when name.Contains("shallow") => new StackedMlp([1, 190, 1], members, Activation.LeakyRelu),
            _ when name.Contains("tanh") => new StackedMlp([1, 4, 8, 1], members, Activation.Tanh),
            _ => new StackedMlp([784, 20, 30, 10], members, Activation.Relu),
        };
        model.InitializeMembers(generators);
        foreach (var generator in generators) generator.Dispose();
        if (name.Contains("float64")) model.to(float64);
        var dtype = name.Contains("float64") ? float64 : float32;
        return name switch
        {
            _ when name.StartsWith("cnn") => (model, randn([10, members, 28, 28], generator: g), randint(10, [members * 10], generator: g), true),
            _ when name.Contains("mnist") => (model, randn([members, 16, 784], generator: g), randint(10, [members * 16], generator: g), true),
            _ => (model, randn([members, 50, 1], dtype: dtype, generator: g), randn([members, 50, 1], dtype: dtype, generator: g), false),
        };
    }

    /// <summary>Every parameter's values and every step's losses after <paramref name="steps"/> steps.</summary>
    private static (byte[][] Parameters, byte[] Losses) Train(string name, Func<IEnumerable<TorchSharp.Modules.Parameter>, IOptimizer> create, int steps)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        var (model, input, target, classes) = Case(name, g);
        using var optimizer = create(model.parameters());
        var losses = new List<Tensor>();
        for (int i = 0; i < steps; i++)
        {
            optimizer.ZeroGrad();
            var output = model.forward(input);
            var loss = classes
                ? nn.functional.cross_entropy(output.reshape(-1, 10), target)
                : nn.functional.mse_loss(output, target);
            loss.backward();
            optimizer.Step();
            losses.Add(loss.detach().to(float64));
        }
        return ([.. model.parameters().Select(p => p.detach().contiguous().bytes.ToArray())], steps == 0 ? [] : stack(losses).bytes.ToArray());
    }

    public static TheoryData<string, string> NetsAndOptimisers()
    {
        var data = new TheoryData<string, string>();
        foreach (string net in Nets)
            foreach (string optimiser in new[] { "Adam", "SGD" })
                data.Add(net, optimiser);
        return data;
    }

    private static IOptimizer Create(string optimiser, IEnumerable<TorchSharp.Modules.Parameter> parameters, bool flat) =>
        optimiser == "Adam" ? Optimizers.Adam(parameters, 1e-2, flat) : Optimizers.Sgd(parameters, 1e-2, flat);

    [Theory]
    [MemberData(nameof(NetsAndOptimisers))]
    public void The_flat_optimiser_trains_bit_for_bit_as_the_optimiser_over_each_parameter(string net, string optimiser)
    {
        var each = Train(net, ps => Create(optimiser, ps, flat: false), steps: 25);
        var flat = Train(net, ps => Create(optimiser, ps, flat: true), steps: 25);
        flat.Losses.Should().Equal(each.Losses);
        flat.Parameters.Should().HaveCount(each.Parameters.Length);
        for (int k = 0; k < each.Parameters.Length; k++)
            flat.Parameters[k].Should().Equal(each.Parameters[k], $"parameter {k} of {net} with {optimiser}");
        Train(net, ps => Create(optimiser, ps, flat: false), steps: 0).Parameters[0].Should().NotEqual(each.Parameters[0], "the comparison needs parameters that moved");
    }

    [Fact]
    public void The_module_keeps_its_parameters_which_become_views_of_the_buffer()
    {
        using var scope = NewDisposeScope();
        var model = new StackedMlp([1, 4, 8, 1], 3, Activation.Tanh);
        var before = model.parameters().ToList();
        var values = before.Select(p => p.detach().clone()).ToList();
        using var flat = new FlatParameters(before);
        var after = model.parameters().ToList();
        for (int k = 0; k < before.Count; k++)
        {
            after[k].Handle.Should().Be(before[k].Handle);
            after[k].detach().Equals(values[k]).Should().BeTrue();
            after[k].requires_grad.Should().BeTrue();
        }
        flat.Values.numel().Should().Be(before.Sum(p => p.numel()));
        using (no_grad()) flat.Values.fill_(2);
        after.All(p => p.detach().eq(2).all().item<bool>()).Should().BeTrue("the parameters are views of the buffer");
        var loss = model.forward(ones(3, 5, 1)).sum();
        loss.backward();
        flat.Gradients.abs().sum().item<float>().Should().BeGreaterThan(0, "backward accumulates into the gradient buffer");
        flat.ZeroGradients();
        after.All(p => p.grad!.eq(0).all().item<bool>()).Should().BeTrue();
    }

    [Fact]
    public void Parameters_of_two_dtypes_are_refused()
    {
        using var scope = NewDisposeScope();
        var act = () => new FlatParameters([new TorchSharp.Modules.Parameter(zeros(2)), new TorchSharp.Modules.Parameter(zeros(2, float64))]);
        act.Should().Throw<ArgumentException>().WithMessage("*one dtype*");
    }
}
