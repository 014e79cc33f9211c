using Homework.Experiments.Claims;
using Homework.Experiments.Runs;

namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-2, the minimal ratio, which the report omits (figure 18).</summary>
[Trait(ExperimentTrait, MinimalRatio.Name)]
public sealed class MinimalRatioClaimsTests : ClaimTests
{
    /// <summary>Not in the report: "critical points with a higher loss have more directions of negative curvature" (Dauphin et al. 2014).</summary>
    [Fact, Trait(Trait, "1-2/minimal-ratio/falls-as-loss-rises")]
    public void Minimal_ratio_falls_as_the_loss_at_a_critical_point_rises() => Reproduce(MinimalRatioClaims.FallsAsLossRises);
}
