namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-2: optimisation paths (figures 7-8), gradient norm (9-10) and the minimal ratio (18).</summary>
public sealed class OptimizationClaimsTests : ClaimTests
{
    /// <summary>"The figures demonstrate the gradual fine-tuning as the weights are gradually optimized."</summary>
    [Fact, Trait(Trait, "1-2/paths/gradual-optimization")]
    public void Weights_move_gradually_less_as_the_loss_falls() => Reproduce();

    /// <summary>"The slope variations in figure 9 and each of the spikes in figure 10 are related."</summary>
    [Fact, Trait(Trait, "1-2/gradient-norm/spikes-match-loss-slope")]
    public void Gradient_norm_spikes_coincide_with_changes_of_the_loss_slope() => Reproduce();

    /// <summary>Not in the report: "critical points with a higher loss have more directions of negative curvature" (Dauphin et al. 2014).</summary>
    [Fact, Trait(Trait, "1-2/minimal-ratio/falls-as-loss-rises")]
    public void Minimal_ratio_falls_as_the_loss_at_a_critical_point_rises() => Reproduce();
}
