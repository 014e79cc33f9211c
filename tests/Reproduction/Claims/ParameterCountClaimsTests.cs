using Homework.Experiments.Claims;
using Homework.Experiments.Runs;

namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-3, "Number of parameters v.s. generalization": nets of growing width on MNIST (figures 12-13).</summary>
[Trait(ExperimentTrait, ParameterCount.Name)]
public sealed class ParameterCountClaimsTests : ClaimTests
{
    /// <summary>"Adding more parameters to the model reduces loss while also improving accuracy."</summary>
    [Fact, Trait(Trait, "1-3/params/more-params-better")]
    public void More_parameters_give_lower_loss_and_higher_accuracy() => Reproduce(ParameterCountClaims.MoreParamsBetter);

    /// <summary>"After a certain number of parameters, there is little to no progress ... The model scarcely improves with more parameters included."</summary>
    [Fact, Trait(Trait, "1-3/params/diminishing-returns")]
    public void Gains_from_more_parameters_diminish() => Reproduce(ParameterCountClaims.DiminishingReturns);

    /// <summary>"When the models are run on the training dataset instead of the testing dataset, they get greater accuracies and lower loss values."</summary>
    [Fact, Trait(Trait, "1-3/params/train-beats-test")]
    public void Nets_do_better_on_the_training_set_than_on_the_test_set() => Reproduce(ParameterCountClaims.TrainBeatsTest);
}
