using Homework.Experiments.Core;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Models;

/// <summary>
/// The harness's own convolution kernels (<see cref="LeNetTrunk"/>) against LibTorch's grouped
/// convolutions, poolings and ReLUs: the same features and the same gradients, up to rounding.
/// </summary>
public sealed class LeNetTrunkTests
{
    public LeNetTrunkTests() => TorchRuntime.EnsureLoaded();

    private sealed record Case(int Members, int Batch, int Conv1, int Conv2)
    {
        public override string ToString() => $"M={Members} B={Batch} C1={Conv1} C2={Conv2}";
    }

    public static TheoryData<int, int, int, int> Cases() => new()
    {
        { 5, 10, 4, 8 },   // the smaller CNN's stack
        { 5, 10, 8, 16 },  // the larger one's
        { 3, 4, 2, 3 },    // odd widths: the one-channel loops
        { 2, 3, 5, 7 },    // four and one channels, two and one
        { 1, 2, 1, 1 },
        { 2, 2, 9, 3 },    // 12 lanes in conv2's input gradient: its general loop, neither 4 nor 8
    };

    private static (Tensor Images, Tensor W1, Tensor B1, Tensor W2, Tensor B2) Inputs(Case c, ulong seed)
    {
        using var g = new Generator(seed);
        var images = randn([c.Batch, c.Members, 28, 28], generator: g);
        var w1 = (randn([c.Members * c.Conv1, 1, 5, 5], generator: g) * 0.3).requires_grad_();
        var b1 = (randn([c.Members * c.Conv1], generator: g) * 0.1).requires_grad_();
        var w2 = (randn([c.Members * c.Conv2, c.Conv1, 5, 5], generator: g) * 0.2).requires_grad_();
        var b2 = (randn([c.Members * c.Conv2], generator: g) * 0.1).requires_grad_();
        return (images, w1, b1, w2, b2);
    }

    /// <summary>What <see cref="StackedCnn"/> computes with LibTorch: grouped convolutions, then (M, B, C2·16).</summary>
    private static Tensor Reference(Case c, Tensor images, Tensor w1, Tensor b1, Tensor w2, Tensor b2)
    {
        var x = nn.functional.conv2d(images, w1, b1, groups: c.Members);
        x = nn.functional.max_pool2d(nn.functional.relu(x), 2);
        x = nn.functional.conv2d(x, w2, b2, groups: c.Members);
        x = nn.functional.max_pool2d(nn.functional.relu(x), 2);
        return x.reshape(c.Batch, c.Members, c.Conv2 * 16).transpose(0, 1);
    }

    private static float[] Values(Tensor t)
    {
        using var c = t.detach().contiguous();
        return c.data<float>().ToArray();
    }

    /// <summary>Largest difference relative to the largest magnitude of the reference.</summary>
    private static double RelativeDifference(Tensor actual, Tensor expected)
    {
        float[] a = Values(actual), e = Values(expected);
        a.Should().HaveSameCount(e);
        double scale = Math.Max(e.Max(Math.Abs), 1e-30f);
        return a.Zip(e, (x, y) => Math.Abs((double)x - y)).Max() / scale;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Features_and_gradients_are_LibTorchs_up_to_rounding(int members, int batch, int conv1, int conv2)
    {
        var c = new Case(members, batch, conv1, conv2);
        using var scope = NewDisposeScope();
        var (images, w1, b1, w2, b2) = Inputs(c, 11);
        var expected = Reference(c, images, w1, b1, w2, b2);
        var actual = LeNetTrunk.Apply(images, w1, b1, w2, b2);
        actual.shape.Should().Equal(members, batch, conv2 * 16);
        RelativeDifference(actual, expected).Should().BeLessThan(1e-5, "features");

        using var g = new Generator(12);
        var upstream = randn(expected.shape, generator: g);
        Tensor[] parameters = [w1, b1, w2, b2];
        var want = autograd.grad([(expected * upstream).sum()], parameters);
        var got = autograd.grad([(actual * upstream).sum()], parameters);
        string[] names = ["conv1 weight", "conv1 bias", "conv2 weight", "conv2 bias"];
        for (int i = 0; i < 4; i++)
            RelativeDifference(got[i], want[i]).Should().BeLessThan(1e-5, names[i]);
    }

    [Fact]
    public void Ties_in_a_pooling_window_go_to_its_first_position_as_in_LibTorch()
    {
        // Blank images: every conv output is its bias, every window a four-way tie. With positive
        // biases every pooled value passes the ReLU, so the gradients say where each tie went.
        var c = new Case(2, 3, 2, 3);
        using var scope = NewDisposeScope();
        var images = zeros(c.Batch, c.Members, 28, 28);
        var w1 = full([c.Members * c.Conv1, 1, 5, 5], 0.1f).requires_grad_();
        var b1 = full([c.Members * c.Conv1], 0.5f).requires_grad_();
        var w2 = full([c.Members * c.Conv2, c.Conv1, 5, 5], 0.05f).requires_grad_();
        var b2 = full([c.Members * c.Conv2], 0.2f).requires_grad_();
        using var g = new Generator(3);
        var upstream = randn([c.Members, c.Batch, c.Conv2 * 16], generator: g);
        Tensor[] parameters = [w1, b1, w2, b2];
        var want = autograd.grad([(Reference(c, images, w1, b1, w2, b2) * upstream).sum()], parameters);
        var got = autograd.grad([(LeNetTrunk.Apply(images, w1, b1, w2, b2) * upstream).sum()], parameters);
        for (int i = 0; i < 4; i++)
            RelativeDifference(got[i], want[i]).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Without_gradients_it_computes_the_same_features()
    {
        var c = new Case(3, 4, 4, 8);
        using var scope = NewDisposeScope();
        var (images, w1, b1, w2, b2) = Inputs(c, 21);
        var tracked = LeNetTrunk.Apply(images, w1, b1, w2, b2);
        using (no_grad())
        {
            var untracked = LeNetTrunk.Apply(images, w1, b1, w2, b2);
            untracked.requires_grad.Should().BeFalse();
            Values(untracked).Should().Equal(Values(tracked));
        }
    }

    [Fact]
    public void Shapes_that_are_not_the_trunks_are_refused_with_what_was_expected()
    {
        using var scope = NewDisposeScope();
        var (images, w1, b1, w2, b2) = Inputs(new Case(2, 3, 4, 8), 1);
        FluentActions.Invoking(() => LeNetTrunk.Apply(images[.., .., ..27, ..], w1, b1, w2, b2))
            .Should().Throw<ArgumentException>().WithMessage("*(B, M, 28, 28)*");
        FluentActions.Invoking(() => LeNetTrunk.Apply(images, w1, b1, w2[..7], b2))
            .Should().Throw<ArgumentException>().WithMessage("*conv2 weights*");
        FluentActions.Invoking(() => LeNetTrunk.Apply(images.to(float64), w1, b1, w2, b2))
            .Should().Throw<ArgumentException>().WithMessage("*float32*");
    }
}
