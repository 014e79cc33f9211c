using System.Text.RegularExpressions;
using Homework.Experiments;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;
using Homework.Experiments.Reporting;
using Homework.Experiments.Runs;

namespace Homework.Tests.Unit.Core;

/// <summary>
/// Variants as data (the robustness table): every declared variant is a valid, distinct change of
/// its preset with a reason; names resolve or fail with the valid ones; variant runs and golden
/// files have folders of their own; presets read as before; the table says what a verdict depends on.
/// </summary>
public sealed partial class VariantTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly ProjectPaths paths;

    public VariantTests() => paths = new ProjectPaths(dir.Path, dir.File("artifacts"), dir.File("data"));

    public void Dispose() => dir.Dispose();

    [GeneratedRegex("^[a-z0-9]+(?:[-.][a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    public static TheoryData<string, string> EveryVariant()
    {
        var data = new TheoryData<string, string>();
        foreach (var experiment in Catalog.Experiments)
            foreach (var variant in experiment.VariantList)
                data.Add(experiment.Name, variant.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryVariant))]
    public void Every_variant_is_a_valid_change_of_its_preset_at_both_profiles_with_a_reason(string experimentName, string variantName)
    {
        var experiment = Catalog.Find(experimentName);
        var info = experiment.VariantList.Single(v => v.Name == variantName);
        info.Name.Should().MatchRegex(KebabCase().ToString());
        info.Reason.Should().NotBeNullOrWhiteSpace().And.EndWith(".");
        foreach (var profile in new[] { Profile.Quick, Profile.Full })
        {
            var config = experiment.VariantConfig(profile, variantName); // validates
            ConfigIdentity.Same(config, experiment.PresetOf(profile)).Should().BeFalse($"{variantName} must change the {profile.Slug()} preset");
            experiment.VariantOf(config, profile).Should().Be(variantName);
        }
    }

    [Fact]
    public void Variant_names_are_unique_within_an_experiment_and_the_three_batch_size_and_fit_experiments_have_them()
    {
        foreach (var experiment in Catalog.Experiments)
            experiment.VariantList.Select(v => v.Name).Should().OnlyHaveUniqueItems(experiment.Name);
        Catalog.Experiments.Where(e => e.VariantList.Count > 0).Select(e => e.Name)
            .Should().Contain([FunctionFitting.Name, Sensitivity.Name, Interpolation.Name]);
    }

    [Fact]
    public void An_unknown_variant_is_a_usage_error_that_lists_the_valid_ones()
    {
        FluentActions.Invoking(() => FunctionFitting.Experiment.VariantConfig(Profile.Quick, "edge-band-50"))
            .Should().Throw<UsageException>().WithMessage("Unknown variant 'edge-band-50' of function-fitting. Valid: edge-band-5, edge-band-20, *");
        FluentActions.Invoking(() => GradientNorm.Experiment.VariantConfig(Profile.Quick, "anything"))
            .Should().Throw<UsageException>().WithMessage("gradient-norm has no variants*");
    }

    [Fact]
    public void A_preset_is_no_variant_and_its_config_reads_as_before_the_variant_fields()
    {
        foreach (var experiment in Catalog.Experiments)
            foreach (var profile in new[] { Profile.Quick, Profile.Full })
                experiment.VariantOf(experiment.PresetOf(profile), profile).Should().BeNull();
        // Fields that only variants set are not written when unset, so that preset runs saved
        // before they existed are still the preset.
        string sensitivity = ConfigIdentity.Canonical(SensitivityConfig.Full);
        sensitivity.Should().NotContain("equalStepsAs").And.NotContain("learningRateScaledFrom");
        ConfigIdentity.Canonical(InterpolationConfig.Full).Should().NotContain("steps");
    }

    [Fact]
    public void Variant_runs_and_golden_files_have_folders_of_their_own()
    {
        var config = FunctionFitting.Experiment.VariantConfig(Profile.Quick, "edge-band-5");
        var (directory, isPreset, variant) = RunStore.Locate(FunctionFitting.Experiment, config, Profile.Quick, paths);
        isPreset.Should().BeFalse();
        variant.Should().Be("edge-band-5");
        directory.Should().Be(Path.Combine(paths.Runs, "function-fitting", "variants", "quick-edge-band-5"));
        paths.VariantGoldenDirectory(Profile.Quick, "function-fitting", "edge-band-5")
            .Should().Be(Path.Combine(paths.GoldenRoot, "variants", "quick", "function-fitting", "edge-band-5"));
        RunStore.LoadVariant(FunctionFitting.Experiment, Profile.Quick, "edge-band-5", paths).Should().BeNull("nothing has run");
    }

    [Fact]
    public void Equal_steps_gives_every_batch_size_the_steps_of_batch_64_and_the_scaled_rate_grows_with_the_batch()
    {
        var steps = (SensitivityConfig)Sensitivity.Experiment.VariantConfig(Profile.Quick, "equal-steps");
        long reference = 8 * (long)Math.Ceiling(10_000 / 64.0); // quick: 8 epochs of 10,000 images
        steps.BatchSizes.Select(steps.StepsFor).Should().AllBeEquivalentTo(reference);
        steps.EpochsFor(1000).Should().Be((int)Math.Ceiling(reference / 10.0));
        steps.EpochsFor(5).Should().Be(1, "batch 5 takes 2,000 steps an epoch, more than batch 64's 1,264 in 8 epochs");

        var preset = SensitivityConfig.Quick;
        preset.BatchSizes.Select(preset.EpochsFor).Should().AllBeEquivalentTo(preset.Epochs);
        preset.BatchSizes.Select(preset.LearningRateFor).Should().AllBeEquivalentTo(preset.LearningRate);

        var scaled = (SensitivityConfig)Sensitivity.Experiment.VariantConfig(Profile.Quick, "scaled-learning-rate");
        scaled.LearningRateFor(64).Should().Be(1e-3);
        scaled.LearningRateFor(1000).Should().BeApproximately(1e-3 * 1000 / 64, 1e-15);
    }

    [Fact]
    public void The_batch_and_scoring_variants_of_the_fits_change_one_field_and_keep_the_epochs()
    {
        var preset = FunctionFittingConfig.Quick;
        var batch = (FunctionFittingConfig)FunctionFitting.Experiment.VariantConfig(Profile.Quick, "mini-batch-128");
        batch.Should().Be(preset with { BatchSize = 128 });
        batch.StepsPerEpoch.Should().Be(8, "1,000 points in batches of 128: seven full batches and one of 104");
        FunctionFitting.Experiment.VariantConfig(Profile.Quick, "held-out-offset-grid").Should().Be(preset with { ScoreOn = ScoringPoints.OffsetGrid });
        FunctionFitting.Experiment.VariantConfig(Profile.Quick, "extrapolation-band").Should().Be(preset with { ScoreOn = ScoringPoints.ExtrapolationBand });
        string canonical = ConfigIdentity.Canonical(FunctionFittingConfig.Full);
        canonical.Should().NotContain("batchSize").And.NotContain("scoreOn").And.NotContain("stepsPerEpoch");
    }

    [Fact]
    public void The_interpolation_nets_trained_to_one_loss_get_twenty_times_the_epochs_as_a_budget()
    {
        var config = (InterpolationConfig)Interpolation.Experiment.VariantConfig(Profile.Quick, "same-training-loss");
        config.Should().Be(InterpolationConfig.Quick with { TrainToLoss = 0.05, Epochs = 20 * InterpolationConfig.Quick.Epochs });
        ConfigIdentity.Canonical(InterpolationConfig.Full).Should().NotContain("trainToLoss");
        (InterpolationConfig.Quick with { TrainToLoss = 0 }).Validate().Should().ContainSingle(p => p.Field == "trainToLoss");
    }

    [Fact]
    public void Same_training_loss_sets_one_target_for_every_batch_size_and_a_budget_of_twenty_times_the_epochs()
    {
        var config = (SensitivityConfig)Sensitivity.Experiment.VariantConfig(Profile.Quick, "same-training-loss");
        config.Should().Be(SensitivityConfig.Quick with { TrainToLoss = 0.15, Epochs = 20 * SensitivityConfig.Quick.Epochs });
        ConfigIdentity.Canonical(SensitivityConfig.Full).Should().NotContain("trainToLoss");
        (SensitivityConfig.Quick with { TrainToLoss = -1 }).Validate().Should().ContainSingle(p => p.Field == "trainToLoss");
    }

    [Fact]
    public void The_interpolation_variants_change_only_the_batch_size_pair()
    {
        var preset = InterpolationConfig.Quick;
        var pair = preset.Pairs.Single(p => p.Name == "batch-size");
        int bigSteps = preset.Epochs * pair.Second.StepsPerEpoch(preset.TrainCount); // 12 epochs x 20 steps of 1,024 from 20,000

        var equal = (InterpolationConfig)Interpolation.Experiment.VariantConfig(Profile.Quick, "equal-steps");
        equal.Pairs.Single(p => p.Name == "batch-size").First.Should().Be(pair.First with { Steps = bigSteps });
        equal.Pairs.Single(p => p.Name == "batch-size").First.EpochsFor(preset.Epochs, preset.TrainCount).Should().Be(1);

        var control = (InterpolationConfig)Interpolation.Experiment.VariantConfig(Profile.Quick, "steps-only-control");
        control.Pairs.Single(p => p.Name == "batch-size").Second.Should().Be(new InterpolationNet(64, 1e-3, bigSteps));

        var scaled = (InterpolationConfig)Interpolation.Experiment.VariantConfig(Profile.Quick, "scaled-learning-rate");
        scaled.Pairs.Single(p => p.Name == "batch-size").Second.LearningRate.Should().BeApproximately(0.016, 1e-15);

        ConfigIdentity.Canonical(InterpolationConfig.Full).Should().NotContain("filterNormalisedStep");
        foreach (var variant in new[] { equal, control, scaled })
            variant.Pairs.Where(p => p.Name != "batch-size").Should().Equal(preset.Pairs.Where(p => p.Name != "batch-size"));
        new InterpolationNet(64, 1e-3).Name.Should().Be("batch 64, lr 0.001", "the preset's seeds derive from this name");
    }

    [Fact]
    public void The_robustness_row_says_whether_the_verdict_depends_on_a_variant()
    {
        var claim = Catalog.ClaimsOf(FunctionFitting.Experiment).First(c => c.Kind == ClaimKind.Finding);
        ClaimOutcome Outcome(Verdict verdict) => new(claim, Profile.Quick,
            new ClaimEvidence([], new Dictionary<string, MetricValue>(), "", new Effect("m", 1, 0, 2, "t", Side.Above, 0)), verdict, 0, 5);
        var a = new VariantInfo("a", "A."); var b = new VariantInfo("b", "B."); var c = new VariantInfo("c", "C.");

        new RobustnessRow(claim, Outcome(Verdict.Reproduced), [(a, Outcome(Verdict.Reproduced)), (b, Outcome(Verdict.Reproduced)), (c, null)])
            .DependsOn.Should().Be("the same under every variant run (2)");
        new RobustnessRow(claim, Outcome(Verdict.Reproduced), [(a, Outcome(Verdict.Inconclusive)), (b, Outcome(Verdict.Reproduced)), (c, Outcome(Verdict.Contradicted))])
            .DependsOn.Should().Be("changes under a (inconclusive), c (contradicted)");
        new RobustnessRow(claim, null, [(a, Outcome(Verdict.Reproduced))]).DependsOn.Should().Be("the preset has not been run");
        new RobustnessRow(claim, Outcome(Verdict.Reproduced), [(a, null)]).DependsOn.Should().Be("no variant has been run");
    }
}
