using System.Reflection;
using FluentAssertions;
using Homework.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Homework.Tests.Unit.Safety;

/// <summary>
/// No code of the harness hands LibTorch a Scalar that only a finalizer frees (see
/// <see cref="Homework.Experiments.Core.ScalarArithmetic"/> for the failure this prevents).
/// </summary>
public sealed class ScalarTemporariesTests
{
    private readonly ScalarTemporaries scan = new();

    [Fact]
    public void The_harness_never_hands_libtorch_a_temporary_scalar()
    {
        var violations = scan.Violations(typeof(Homework.Experiments.Training.Trainer).Assembly)
            .Concat(scan.Violations(typeof(Mlp).Assembly))
            .ToList();
        violations.Should().BeEmpty(
            "a Scalar made by an implicit conversion (t * 0.5, t.square(), a + b) can be freed by its finalizer during the native call; " +
            "use Homework.Experiments.Core.ScalarArithmetic or `using var s = x.ToScalar()` instead");
    }

    [Fact]
    public void Every_layer_of_the_nets_is_free_of_temporary_scalars()
    {
        // forward is virtual: the IL of the harness names Module.forward, not the layer that runs.
        var nets = Enum.GetValues<Activation>().Select(a => (nn.Module)new Mlp([2, 3, 1], a))
            .Append(new LeNet(new CnnWidths(2, 2, 4)))
            .ToList();
        var layers = nets.SelectMany(net => net.modules()).Select(m => m.GetType()).Distinct().ToList();
        layers.Should().Contain(typeof(TorchSharp.Modules.Linear)).And.Contain(typeof(TorchSharp.Modules.Conv2d));

        var violations = layers
            .Select(type => type.GetMethod("forward", [typeof(Tensor)]))
            .OfType<MethodInfo>()
            .Select(forward => (forward, why: scan.WhyUnsafe(forward)))
            .Where(x => x.why is not null)
            .Select(x => $"{ScalarTemporaries.Describe(x.forward)}: {x.why}");
        violations.Should().BeEmpty();
        foreach (var net in nets) net.Dispose();
    }

    private static Tensor Implicit(Tensor t) => t * 0.5;

    private static Tensor Explicit(Tensor t)
    {
        using var half = 0.5.ToScalar();
        return t.mul(half);
    }

    private static Tensor ExplicitButNotDisposed(Tensor t) => t.mul(0.5.ToScalar());

    [Fact]
    public void The_scan_tells_kept_scalars_from_temporaries()
    {
        static MethodBase Method(string name) => typeof(ScalarTemporariesTests).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;
        scan.WhyUnsafe(Method(nameof(Implicit))).Should().Contain("op_Multiply");
        scan.WhyUnsafe(Method(nameof(ExplicitButNotDisposed))).Should().Contain("ToScalar");
        scan.WhyUnsafe(Method(nameof(Explicit))).Should().BeNull();
    }

    [Fact]
    public void The_scan_finds_the_temporaries_inside_torchsharp()
    {
        // The cases met in this harness: square() is pow(2), a + b is add(b, 1), and
        // optim.Adam.step converts its betas and step size on every call. Should a TorchSharp
        // upgrade fix them, this test fails, and the harness's replacements may go.
        scan.WhyUnsafe(typeof(Tensor).GetMethod(nameof(Tensor.square), Type.EmptyTypes)!).Should().Contain("op_Implicit");
        scan.WhyUnsafe(typeof(Tensor).GetMethod("op_Addition", [typeof(Tensor), typeof(Tensor)])!).Should().Contain("add");
        scan.WhyUnsafe(typeof(TorchSharp.Modules.Adam).GetMethod(nameof(TorchSharp.Modules.Adam.step))!).Should().NotBeNull();
        scan.WhyUnsafe(typeof(Tensor).GetMethod(nameof(Tensor.mul), [typeof(Scalar)])!).Should().BeNull("the caller owns the Scalar it passes");
    }
}
