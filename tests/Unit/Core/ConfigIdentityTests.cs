using Homework.Experiments.Core;
using Homework.Experiments.Runs;

namespace Homework.Tests.Unit.Core;

/// <summary>"A run's identity is its resolved config: preset runs and override runs never share a folder" (issue 14).</summary>
public sealed class ConfigIdentityTests
{
    private static readonly ProjectPaths Paths = new("/repo", "/repo/artifacts", "/data");

    [Fact]
    public void The_preset_runs_in_the_profiles_folder_and_an_override_in_a_folder_named_by_its_config()
    {
        var experiment = FunctionFitting.Experiment;

        RunStore.Locate(experiment, experiment.Configure(Profile.Quick), Profile.Quick, Paths)
            .Should().Be(("/repo/artifacts/runs/function-fitting/quick", true, (string?)null));
        var (dir, isPreset, _) = RunStore.Locate(experiment, experiment.Configure(Profile.Quick, ["epochs=6"]), Profile.Quick, Paths);
        isPreset.Should().BeFalse();
        dir.Should().MatchRegex("^/repo/artifacts/runs/function-fitting/overrides/quick-[0-9a-f]{12}$");
    }

    [Fact]
    public void An_override_that_changes_nothing_is_the_preset()
    {
        var config = FunctionFitting.Experiment.Configure(Profile.Quick, ["epochs=3000"]);
        RunStore.Locate(FunctionFitting.Experiment, config, Profile.Quick, Paths).IsPreset.Should().BeTrue();
    }

    [Fact]
    public void Equal_configs_hash_alike_and_any_changed_field_changes_the_hash()
    {
        var preset = FunctionFittingConfig.Quick;
        ConfigIdentity.Hash(preset with { }).Should().Be(ConfigIdentity.Hash(preset));
        ConfigIdentity.Hash(preset with { Epochs = 2999 }).Should().NotBe(ConfigIdentity.Hash(preset));
        ConfigIdentity.Hash(preset with { Seeds = [0, 1] }).Should().NotBe(ConfigIdentity.Hash(preset));
        ConfigIdentity.Hash(preset).Should().HaveLength(ConfigIdentity.HashLength);
    }

    [Fact]
    public void A_saved_config_is_compared_with_the_preset_by_its_json_and_its_differences_are_named()
    {
        string saved = Json.Serialize(FunctionFittingConfig.Quick with { Epochs = 6, Seeds = [] });

        ConfigIdentity.Same(Json.Serialize(FunctionFittingConfig.Quick), FunctionFittingConfig.Quick).Should().BeTrue();
        ConfigIdentity.Same(saved, FunctionFittingConfig.Quick).Should().BeFalse();
        ConfigIdentity.Differences(saved, FunctionFittingConfig.Quick).Should().Equal("epochs 6 (preset: 3000)", "seeds [] (preset: [0,1,2,3,4])");
        ConfigIdentity.DifferentFields(FunctionFittingConfig.Quick with { Epochs = 6 }, FunctionFittingConfig.Quick).Should().Equal("epochs");
    }
}
