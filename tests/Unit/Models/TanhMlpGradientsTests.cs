using Homework.Experiments.Core;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Models;

/// <summary>
/// The harness's own tanh MLP kernels (<see cref="TanhMlpGradients"/>) against LibTorch's autograd
/// on the same stack: the same losses, gradients, squared gradient norms and their gradients
/// (autograd's double backward), up to rounding.
/// </summary>
public sealed class TanhMlpGradientsTests
{
    public TanhMlpGradientsTests() => TorchRuntime.EnsureLoaded();

    public static TheoryData<int, int[], int> Cases() => new()
    {
        { 5, [1, 4, 8, 1], 200 },     // the minimal-ratio nets, on their grid
        { 2, [2, 5, 3], 7 },          // points not a whole number of vectors: the padding's lanes
        { 3, [1, 3, 1], 1 },          // one point
        { 2, [3, 6, 4, 2, 2], 9 },    // three hidden layers, two outputs
    };

    private static StackedMlp Stack(int members, int[] widths, ulong seed, Activation activation = Activation.Tanh)
    {
        var generators = Enumerable.Range(0, members).Select(i => new Generator(seed + (ulong)i)).ToList();
        var model = new StackedMlp(widths, members, activation);
        model.InitializeMembers(generators);
        foreach (var g in generators) g.Dispose();
        model.to(float64);
        return model;
    }

    private static (Tensor X, Tensor Y) Data(int members, int[] widths, int points, ulong seed)
    {
        using var g = new Generator(seed);
        return (randn([members, points, widths[0]], float64, generator: g), randn([members, points, widths[^1]], float64, generator: g));
    }

    /// <summary>Each member's loss as the stacked trainings compute it: mean squared error over its own rows.</summary>
    private static Tensor Losses(StackedMlp model, Tensor x, Tensor y) =>
        nn.functional.mse_loss(model.forward(x), y, nn.Reduction.None).reshape(model.Members, -1).mean([1]);

    private static double[] Flat(IEnumerable<Tensor> tensors) =>
        [.. tensors.SelectMany(t => { using var c = t.detach().contiguous(); return c.data<double>().ToArray(); })];

    private static double[] Gradients(StackedMlp model) => Flat(model.parameters().Select(p => p.grad!));

    private static void ZeroGradients(StackedMlp model)
    {
        foreach (var p in model.parameters()) p.grad?.zero_();
    }

    private static void ShouldMatch(double[] actual, double[] expected, double relative)
    {
        actual.Should().HaveCount(expected.Length);
        double scale = expected.Max(Math.Abs);
        for (int k = 0; k < expected.Length; k++)
            Math.Abs(actual[k] - expected[k]).Should().BeLessThanOrEqualTo(relative * scale, $"value {k} of {expected.Length}: {actual[k]:R} against {expected[k]:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Losses_and_gradients_match_autograd(int members, int[] widths, int points)
    {
        using var scope = NewDisposeScope();
        using var model = Stack(members, widths, 11);
        var (x, y) = Data(members, widths, points, 5);

        Losses(model, x, y).sum().backward();
        var expectedLosses = Flat([Losses(model, x, y)]);
        var expected = Gradients(model);
        ZeroGradients(model);

        var losses = TanhMlpGradients.MeanSquaredError(model, x, y);

        ShouldMatch(Flat([losses]), expectedLosses, 1e-14);
        ShouldMatch(Gradients(model), expected, 1e-13);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Squared_gradient_norms_and_their_gradients_match_the_double_backward(int members, int[] widths, int points)
    {
        using var scope = NewDisposeScope();
        using var model = Stack(members, widths, 23);
        var (x, y) = Data(members, widths, points, 7);
        var parameters = model.parameters().Cast<Tensor>().ToList();

        var gradients = autograd.grad([Losses(model, x, y).sum()], parameters, retain_graph: true, create_graph: true);
        var norms = stack(gradients.Select(g => g.reshape(members, -1).square().sum(1)).ToList(), 1).sum(1);
        norms.sum().backward();
        var expectedNorms = Flat([norms]);
        var expected = Gradients(model);
        ZeroGradients(model);

        var actualNorms = TanhMlpGradients.GradientNormSquared(model, x, y);

        ShouldMatch(Flat([actualNorms]), expectedNorms, 1e-13);
        ShouldMatch(Gradients(model), expected, 1e-12);
    }

    [Fact]
    public void Its_tanh_is_within_two_units_in_the_last_place_of_the_runtimes()
    {
        // Both branches and the switch between them, tiny and huge values, signed zeros, NaN and the infinities.
        var values = new List<double> { 0.0, -0.0, double.Epsilon, 1e-300, 1e-20, 1e-8, 0.7, -0.7, 0.7 - 1e-16, 0.7 + 1e-16, 19, 20, 373, 400, 1e300, double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN };
        var random = new Random(5);
        for (int k = 0; k < 200_000; k++)
            values.Add((random.NextDouble() * 2 - 1) * Math.Pow(10, random.NextDouble() * 6 - 5)); // |x| from 1e-5 to 10
        for (int k = 0; k < 20_000; k++)
            values.Add(random.NextDouble() * 1.6 - 0.8); // around the switch at 0.7
        while (values.Count % 4 != 0) values.Add(0.5);

        long worst = 0;
        double worstAt = 0;
        var histogram = new long[4]; // values 0, 1, 2 and more units apart
        for (int k = 0; k < values.Count; k += 4)
        {
            var tanh = TanhMlpGradients.Tanh(System.Runtime.Intrinsics.Vector256.Create(values[k], values[k + 1], values[k + 2], values[k + 3]));
            for (int lane = 0; lane < 4; lane++)
            {
                double x = values[k + lane], expected = Math.Tanh(x), actual = tanh[lane];
                if (double.IsNaN(expected))
                {
                    actual.Should().Be(double.NaN);
                    continue;
                }
                double.IsNegative(actual).Should().Be(double.IsNegative(expected), $"tanh keeps the sign of {x:R}");
                long units = Math.Abs(BitConverter.DoubleToInt64Bits(actual) - BitConverter.DoubleToInt64Bits(expected));
                histogram[Math.Min(units, 3)]++;
                if (units > worst) (worst, worstAt) = (units, x);
            }
        }
        // Measured: about 69% equal, 31% one unit apart, 0.4% two.
        worst.Should().BeLessThanOrEqualTo(2, $"the worst was tanh({worstAt:R}); values 0, 1, 2 and more units apart: {string.Join(", ", histogram)}");
    }

    [Fact]
    public void The_gradient_is_added_to_what_the_parameters_hold_as_a_backward_pass_adds_it()
    {
        using var scope = NewDisposeScope();
        using var model = Stack(2, [1, 4, 1], 3);
        var (x, y) = Data(2, [1, 4, 1], 10, 3);
        TanhMlpGradients.MeanSquaredError(model, x, y);
        var once = Gradients(model);
        TanhMlpGradients.MeanSquaredError(model, x, y);
        Gradients(model).Should().Equal(once.Select(g => g + g));
    }

    [Fact]
    public void Stacks_the_kernels_do_not_compute_are_refused_by_supports_and_by_a_call()
    {
        using var scope = NewDisposeScope();
        using var single = Stack(1, [1, 4, 1], 1);
        using var relu = Stack(2, [1, 4, 1], 1, Activation.Relu);
        using var wide = Stack(2, [1, 40, 1], 1);
        using var float32 = new StackedMlp([1, 4, 1], 2, Activation.Tanh);
        foreach (var model in new[] { single, relu, wide, float32 })
            TanhMlpGradients.Supports(model).Should().BeFalse();
        TanhMlpGradients.Supports(Stack(2, [1, 4, 1], 1)).Should().BeTrue();

        var (x, y) = Data(2, [1, 4, 1], 10, 3);
        var refused = () => TanhMlpGradients.MeanSquaredError(relu, x, y);
        refused.Should().Throw<ArgumentException>().WithMessage("*tanh*");
    }

    [Fact]
    public void Inputs_of_another_shape_are_refused_with_the_shape_expected()
    {
        using var scope = NewDisposeScope();
        using var model = Stack(2, [1, 4, 1], 1);
        var (x, y) = Data(3, [1, 4, 1], 10, 3);
        var refused = () => TanhMlpGradients.MeanSquaredError(model, x, y);
        refused.Should().Throw<ArgumentException>().WithMessage("Inputs must be (M, N, 1) for M = 2*");
    }
}
