using Homework.Experiments;
using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Core;

/// <summary>
/// Every config is validated before anything trains: "Every config is validated before any
/// training (and before LibTorch loads): empty seed lists, non-positive or non-finite learning
/// rates, sizes, epochs; one line, exit 2" (issue 14). The rules are checked per experiment,
/// with the message naming the field, the bad value and what is allowed.
/// </summary>
public sealed class ConfigValidationTests
{
    public static TheoryData<string, string> Presets()
    {
        var data = new TheoryData<string, string>();
        foreach (var experiment in Catalog.Experiments)
            foreach (var profile in Profiles.All)
                data.Add(experiment.Name, profile.Slug());
        return data;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Every_preset_is_valid(string experiment, string profile)
    {
        var config = (IExperimentConfig)Catalog.Find(experiment).PresetOf(Profiles.Parse(profile));
        config.Validate().Should().BeEmpty();
    }

    [Theory]
    // The cases, then one rule of each kind for every experiment.
    [InlineData("parameter-count", "seeds=[]", "seeds is [], but it must be a list of at least one seed, none twice")]
    [InlineData("optimization-paths", "seeds=[]", "seeds is []")]
    [InlineData("function-fitting", "learningRate=0", "learningRate is 0, but it must be a number above 0 and at most 10")]
    [InlineData("function-fitting", "learningRate=-0.001", "learningRate is -0.001")]
    [InlineData("function-fitting", "learningRate=NaN", "learningRate is NaN")]
    [InlineData("function-fitting", "learningRate=1e300", "learningRate is 1E+300")]
    [InlineData("function-fitting", "epochs=-5", "epochs is -5, but it must be a whole number of at least 1")]
    [InlineData("function-fitting", "seeds=[1,1]", "seeds is [1,1], but it must be a list of at least one seed, none twice")]
    [InlineData("function-fitting", "functions=[]", "functions is []")]
    [InlineData("function-fitting", """nets=[{"name":"d","widths":[2,4,1]}]""", "nets[0].widths is [2,4,1], but it must be a list of layer widths from the input's 1 to the output's 1")]
    [InlineData("function-fitting", """nets=[{"name":"d","widths":[1,0,1]}]""", "nets[0].widths is [1,0,1]")]
    [InlineData("function-fitting", "domainEnd=-1", "domainEnd is -1, but it must be a finite number above domainStart (0)")]
    [InlineData("function-fitting", "edgeBand=0.7", "edgeBand is 0.7, but it must be a number above 0 and at most 0.5")]
    [InlineData("function-fitting", "points=0", "points is 0")]
    [InlineData("function-fitting", "activation=9", "activation is 9, but it must be one of relu, leaky-relu, tanh, sigmoid, elu")]
    [InlineData("mnist-cnn", "batchSize=0", "batchSize is 0, but it must be a whole number from 1 to 60,000")]
    [InlineData("mnist-cnn", "trainSamples=70000", "trainSamples is 70000, but it must be null (all 60,000) or a whole number from 1 to 60,000")]
    [InlineData("mnist-cnn", "testSamples=0", "testSamples is 0")]
    [InlineData("mnist-cnn", """nets=[{"name":"a","widths":{"conv1":0,"conv2":8,"hidden":32}}]""", "nets[0].widths is")]
    [InlineData("mnist-cnn", """nets=[{"name":"a","widths":{"conv1":4,"conv2":8,"hidden":32}},{"name":"a","widths":{"conv1":4,"conv2":8,"hidden":32}}]""", "nets is")]
    [InlineData("optimization-paths", "collectEvery=0", "collectEvery is 0")]
    [InlineData("optimization-paths", "layer=fc9", "layer is 'fc9', but it must be one of the net's layers: fc1, fc2, fc3")]
    [InlineData("gradient-norm", "batchSize=0", "batchSize is 0, but it must be null (full batch) or a whole number of at least 1")]
    [InlineData("minimal-ratio", "runsPerSeed=0", "runsPerSeed is 0")]
    [InlineData("minimal-ratio", "gradientNormEpochs=-1", "gradientNormEpochs is -1, but it must be a whole number of at least 0")]
    [InlineData("random-labels", "widths=[784,10,9]", "widths is [784,10,9], but it must be a list of layer widths from the input's 784 to the output's 10")]
    [InlineData("random-labels", "trainSamples=0", "trainSamples is 0")]
    [InlineData("parameter-count", "hiddenWidths=[]", "hiddenWidths is []")]
    [InlineData("parameter-count", "iterations=0", "iterations is 0")]
    [InlineData("interpolation", "alphaPoints=1", "alphaPoints is 1, but it must be a whole number from 2 to 100,000")]
    [InlineData("interpolation", "alphaEnd=-2", "alphaEnd is -2")]
    [InlineData("interpolation", "initialisations=[]", "initialisations is []")]
    [InlineData("interpolation", """pairs=[{"name":"p","first":{"batchSize":0,"learningRate":0.001},"second":{"batchSize":64,"learningRate":0}}]""", "pairs[0].first.batchSize is 0*pairs[0].second.learningRate is 0")]
    [InlineData("sensitivity", "batchSizes=[5,0]", "batchSizes is [5,0]")]
    [InlineData("sensitivity", "sensitivitySamples=500", "sensitivitySamples is 500, but it must be a whole number from 1,000 to 10,000")]
    public void A_bad_value_fails_in_one_line_naming_field_value_and_what_is_allowed(string experiment, string assignment, string expected)
    {
        FluentActions.Invoking(() => Catalog.Find(experiment).Configure(Profile.Quick, [assignment]))
            .Should().Throw<UsageException>()
            .WithMessage($"Invalid config for {experiment} (quick profile): *{expected}*nothing was run.")
            .Which.Message.Should().NotContain("\n");
    }

    [Fact]
    public void Several_bad_values_are_all_named_at_once()
    {
        FluentActions.Invoking(() => Catalog.Find("function-fitting").Configure(Profile.Quick, ["epochs=0", "seeds=[]"]))
            .Should().Throw<UsageException>().WithMessage("*epochs is 0*; seeds is []*");
    }

    [Fact]
    public void A_config_built_in_code_is_validated_when_it_runs()
    {
        var config = Homework.Experiments.Runs.FunctionFittingConfig.Quick with { Seeds = [] };
        FluentActions.Invoking(() => Catalog.Find("function-fitting").Run(config, new RunContext()))
            .Should().Throw<UsageException>().WithMessage("*seeds is []*");
    }

    [Fact]
    public void Rule_field_names_are_the_keys_that_set_accepts()
    {
        // Every rule names its field through ConfigRules.Key(nameof(...)): the camelCase JSON name.
        ConfigRules.Key(nameof(Homework.Experiments.Runs.MnistCnnConfig.TrainSamples)).Should().Be("trainSamples");
        ConfigRules.Key("Nets", 1, "Widths").Should().Be("nets[1].widths");
    }
}
