using FluentAssertions;
using Homework.Experiments.Training;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Training;

/// <summary>
/// <see cref="FusedAdam"/>'s passes round every element as the LibTorch calls they replace
/// (ATen's AVX2 and AVX-512 kernels, which fuse the multiply-adds of <c>add_</c> with alpha and of
/// <c>addcmul_</c>), so <see cref="Adam"/> keeps its bits.
/// </summary>
public sealed class FusedAdamTests
{
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void The_fused_passes_give_the_bits_of_LibTorchs_calls(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        const int n = 1_003; // not a multiple of any vector width: the scalar tails run too
        var p = randn(n, dtype, generator: generator);
        var (m, v) = (zeros(n, dtype), zeros(n, dtype));
        var (p2, m2, v2, root) = (p.clone(), m.clone(), v.clone(), empty(n, dtype));
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, lr = 1e-3;
        for (int t = 1; t <= 25; t++)
        {
            // Ordinary, tiny (squares below the smallest normal number) and exactly zero gradients:
            // second moments of zero and subnormal ones take the shortcut past the square root.
            double scale = (t % 3) switch { 0 => dtype == ScalarType.Float32 ? 1e-20 : 1e-160, 1 => 0.01, _ => 3.0 };
            var g = randn(n, dtype, generator: generator).mul(scale);
            g.narrow(0, 0, 17).zero_();
            double c1 = 1 - Math.Pow(beta1, t), c2 = 1 - Math.Pow(beta2, t);

            m.mul_(beta1).add_(g, alpha: 1 - beta1);
            v.mul_(beta2).addcmul_(g, g, value: 1 - beta2);
            var denominator = v.sqrt().div(Math.Sqrt(c2)).add_(eps, alpha: 1);
            p.addcdiv_(m, denominator, value: -(lr / c1));

            FusedAdam.Applies(p2, g, m2, v2).Should().BeTrue();
            bool tiny = FusedAdam.TinyGiveEpsilon(dtype, Math.Sqrt(c2), eps);
            tiny.Should().BeTrue("PyTorch's ε is far above the square root of any subnormal number");
            FusedAdam.Moments(g, m2, v2, root, beta1, 1 - beta1, beta2, 1 - beta2, tiny);
            root.sqrt_();
            FusedAdam.Update(p2, m2, v2, root, Math.Sqrt(c2), eps, -(lr / c1), tiny);

            Bits(m2).Should().Equal(Bits(m), $"the first moments after step {t}");
            Bits(v2).Should().Equal(Bits(v), $"the second moments after step {t}");
            Bits(p2).Should().Equal(Bits(p), $"the parameters after step {t}");
        }
        using var start = new Generator(11);
        Bits(p2).Should().NotEqual(Bits(randn(n, dtype, generator: start)), "the comparison needs parameters that moved");
    }

    /// <summary>A tensor's bytes: equal bits, not equal values (+0 and −0 differ here).</summary>
    private static byte[] Bits(Tensor t) => t.bytes.ToArray();

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void Without_an_epsilon_every_second_moment_takes_its_square_root(ScalarType dtype)
    {
        FusedAdam.TinyGiveEpsilon(dtype, Math.Sqrt(0.001), 0).Should().BeFalse();
        FusedAdam.TinyGiveEpsilon(dtype, Math.Sqrt(0.001), 1e-8).Should().BeTrue();
    }

    [Fact]
    public void Tensors_it_cannot_take_go_through_LibTorchs_calls()
    {
        using var scope = NewDisposeScope();
        var a = zeros(4, 6);
        FusedAdam.Applies(a, zeros(4, 6), zeros(4, 6), zeros(4, 6)).Should().BeTrue();
        FusedAdam.Applies(a, zeros(6, 4).t(), zeros(4, 6), zeros(4, 6)).Should().BeFalse("a transposed gradient is not contiguous");
        FusedAdam.Applies(a, zeros(4, 6, float64), zeros(4, 6), zeros(4, 6)).Should().BeFalse("the dtypes differ");
        FusedAdam.Applies(zeros(4, 6, float16), zeros(4, 6, float16), zeros(4, 6, float16), zeros(4, 6, float16)).Should().BeFalse("half precision is not fused");
    }
}
