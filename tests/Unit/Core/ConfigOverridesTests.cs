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
    [InlineData("epochs=many", "epochs needs a whole number, e.g. epochs=3000; got 'many'.")]
    [InlineData("epochs=2.5", "epochs needs a whole number, e.g. epochs=3000; got '2.5'.")]
    [InlineData("activation=sine", "activation needs one of relu, leaky-relu, tanh, sigmoid, elu, e.g. activation=\"leaky-relu\"; got 'sine'*")]
    [InlineData("seeds=3", "seeds needs a JSON list of whole numbers, e.g. seeds=[0,1,2,3,4]; got '3'.")]
    [InlineData("seeds=null", "seeds needs a JSON list of whole numbers, e.g. seeds=[0,1,2,3,4]; got 'null' (it cannot be null).")]
    [InlineData("learningRate=fast", "learningRate needs a number, e.g. learningRate=0.001; got 'fast'.")]
    public void A_value_of_the_wrong_type_names_the_field_what_it_takes_and_the_value(string assignment, string message)
    {
        FluentActions.Invoking(() => ConfigOverrides.Apply(FunctionFittingConfig.Quick, [assignment]))
            .Should().Throw<UsageException>().WithMessage(message)
            .Which.Message.Should().NotContain("LineNumber").And.NotContain("Path: $", "the user never sees the JSON document the overrides are merged into");
    }

    [Fact]
    public void A_nullable_field_takes_null()
    {
        ConfigOverrides.Apply(MnistCnnConfig.Quick, ["trainSamples=null"]).TrainSamples.Should().BeNull();
    }

    [Fact]
    public void A_list_of_records_with_a_missing_field_says_which_field()
    {
        FluentActions.Invoking(() => ConfigOverrides.Apply(FunctionFittingConfig.Quick, ["""nets=[{"name":"x"}]"""]))
            .Should().Throw<UsageException>().WithMessage("nets needs a JSON list of JSON objects, e.g. nets=[{\"name\":\"deep\"*got*missing required properties*widths*");
    }

    [Fact]
    public void An_assignment_without_equals_fails()
    {
        FluentActions.Invoking(() => ConfigOverrides.Apply(FunctionFittingConfig.Quick, ["epochs"]))
            .Should().Throw<UsageException>().WithMessage("*not of the form key=value*");
    }
}
