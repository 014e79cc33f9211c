using Homework.Experiments.Core;
using Homework.Experiments.Runs;
using Homework.Models;

namespace Homework.Tests.Unit.Core;

/// <summary>`--set key=value`: known keys are applied with their types; anything else fails loudly.</summary>
public sealed class ConfigOverridesTests
{
    [Fact]
    public void Numbers_arrays_and_enums_are_applied()
    {
        var config = ConfigOverrides.Apply(FunctionFittingConfig.Quick, ["epochs=42", "Seeds=[7, 8]", "activation=tanh"]);
        config.Epochs.Should().Be(42);
        config.Seeds.Should().Equal(7, 8);
        config.Activation.Should().Be(Activation.Tanh);
        config.Points.Should().Be(FunctionFittingConfig.Quick.Points, "untouched fields keep the preset's value");
    }

    [Fact]
    public void No_overrides_return_the_preset_itself()
    {
        ConfigOverrides.Apply(FunctionFittingConfig.Quick, []).Should().BeSameAs(FunctionFittingConfig.Quick);
    }

    [Fact]
    public void An_unknown_key_fails_with_the_valid_keys()
    {
        FluentActions.Invoking(() => ConfigOverrides.Apply(FunctionFittingConfig.Quick, ["epoch=5"]))
            .Should().Throw<UsageException>().WithMessage("Unknown setting 'epoch'*Valid keys: functions, nets, activation, *epochs*");
    }

    [Theory]
    [InlineData("epochs=many")]
    [InlineData("activation=sine")]
    [InlineData("seeds=3")]
    public void A_value_of_the_wrong_type_fails(string assignment)
    {
        FluentActions.Invoking(() => ConfigOverrides.Apply(FunctionFittingConfig.Quick, [assignment]))
            .Should().Throw<UsageException>().WithMessage("Invalid override*");
    }

    [Fact]
    public void An_assignment_without_equals_fails()
    {
        FluentActions.Invoking(() => ConfigOverrides.Apply(FunctionFittingConfig.Quick, ["epochs"]))
            .Should().Throw<UsageException>().WithMessage("*not of the form key=value*");
    }
}
