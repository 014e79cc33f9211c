namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-3: random labels (figure 11) and number of parameters vs generalization (figures 12-13).</summary>
public sealed class GeneralizationClaimsTests : ClaimTests
{
    /// <summary>"1-3 CAN NETWORK FIT RANDOM LABELS" (figure 11): yes, to at least 90% training accuracy.</summary>
    [Fact, Trait(Trait, "1-3/random-labels/fits-random-labels")]
    public void A_large_net_fits_random_labels() => Reproduce();

    /// <summary>"1-3 CAN NETWORK FIT RANDOM LABELS" (figure 11): the test loss rises while the training loss falls.</summary>
    [Fact, Trait(Trait, "1-3/random-labels/test-loss-rises")]
    public void Fitting_random_labels_raises_the_test_loss() => Reproduce();

    /// <summary>"1-3 CAN NETWORK FIT RANDOM LABELS" (figure 11): what it learns does not generalise; test accuracy stays at chance.</summary>
    [Fact, Trait(Trait, "1-3/random-labels/test-accuracy-at-chance")]
    public void Test_accuracy_after_random_labels_is_at_chance() => Reproduce();

    /// <summary>"Adding more parameters to the model reduces loss while also improving accuracy."</summary>
    [Fact, Trait(Trait, "1-3/params/more-params-better")]
    public void More_parameters_give_lower_loss_and_higher_accuracy() => Reproduce();

    /// <summary>"After a certain number of parameters, there is little to no progress ... The model scarcely improves with more parameters included."</summary>
    [Fact, Trait(Trait, "1-3/params/diminishing-returns")]
    public void Gains_from_more_parameters_diminish() => Reproduce();

    /// <summary>"When the models are run on the training dataset instead of the testing dataset, they get greater accuracies and lower loss values."</summary>
    [Fact, Trait(Trait, "1-3/params/train-beats-test")]
    public void Nets_do_better_on_the_training_set_than_on_the_test_set() => Reproduce();
}
