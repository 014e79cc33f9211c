using Homework.Experiments.Claims;
using Homework.Experiments.Runs;

namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-2, "Visualize the optimization process": eight training series of a 57-parameter net (figures 7-8).</summary>
[Trait(ExperimentTrait, OptimizationPaths.Name)]
public sealed class OptimizationPathsClaimsTests : ClaimTests
{
    /// <summary>"The figures demonstrate the gradual fine-tuning as the weights are gradually optimized."</summary>
    [Fact, Trait(Trait, "1-2/paths/gradual-optimization")]
    public void Weights_move_gradually_less_as_the_loss_falls() => Reproduce(OptimizationPathsClaims.GradualOptimization);
}
