using Homework.Experiments.Claims;
using Homework.Experiments.Runs;

namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-3, "Can network fit random labels" (figure 11): three claims on one statement, told apart by their criteria.</summary>
[Trait(ExperimentTrait, RandomLabels.Name)]
public sealed class RandomLabelsClaimsTests : ClaimTests
{
    /// <summary>"1-3 CAN NETWORK FIT RANDOM LABELS" (figure 11): yes, to at least 90% training accuracy.</summary>
    [Fact, Trait(Trait, "1-3/random-labels/fits-random-labels")]
    public void A_large_net_fits_random_labels() => Reproduce(RandomLabelsClaims.FitsRandomLabels);

    /// <summary>"1-3 CAN NETWORK FIT RANDOM LABELS" (figure 11): the test loss rises while the training loss falls.</summary>
    [Fact, Trait(Trait, "1-3/random-labels/test-loss-rises")]
    public void Fitting_random_labels_raises_the_test_loss() => Reproduce(RandomLabelsClaims.TestLossRises);

    /// <summary>"1-3 CAN NETWORK FIT RANDOM LABELS" (figure 11): what it learns does not generalise; test accuracy stays at chance.</summary>
    [Fact, Trait(Trait, "1-3/random-labels/test-accuracy-at-chance")]
    public void Test_accuracy_after_random_labels_is_at_chance() => Reproduce(RandomLabelsClaims.TestAccuracyAtChance);
}
