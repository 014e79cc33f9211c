using Homework.Experiments.Claims;
using Homework.Experiments.Runs;

namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-2, "Gradient norm observation": loss and gradient norm per epoch (figures 9-10).</summary>
[Trait(ExperimentTrait, GradientNorm.Name)]
public sealed class GradientNormClaimsTests : ClaimTests
{
    /// <summary>"The slope variations in figure 9 and each of the spikes in figure 10 are related."</summary>
    [Fact, Trait(Trait, "1-2/gradient-norm/spikes-match-loss-slope")]
    public void Gradient_norm_spikes_coincide_with_changes_of_the_loss_slope() => Reproduce(GradientNormClaims.SpikesMatchLossSlope);
}
