using Homework.Experiments.Claims;
using Homework.Experiments.Runs;

namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-1, "Train on actual tasks": two CNNs on MNIST with batch size 10 (figures 5-6).</summary>
[Trait(ExperimentTrait, MnistCnn.Name)]
public sealed class MnistCnnClaimsTests : ClaimTests
{
    /// <summary>"For two models, convergence is often attained after 70 epochs."</summary>
    [Fact, Trait(Trait, "1-1/cnn/losses-converge")]
    public void Both_cnn_losses_flatten_by_the_last_epoch() => Reproduce(MnistCnnClaims.LossesConverge);

    /// <summary>"As predicted, we can see that two models regularly outperform each other on training data compared to test data."</summary>
    [Fact, Trait(Trait, "1-1/cnn/train-beats-test")]
    public void Both_cnns_are_more_accurate_on_training_than_on_test_data() => Reproduce(MnistCnnClaims.TrainBeatsTest);
}
