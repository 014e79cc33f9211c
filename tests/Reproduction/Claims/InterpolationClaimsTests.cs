using Homework.Experiments.Claims;
using Homework.Experiments.Runs;

namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-3, "Flatness vs generalization" part 1: the line between two solutions (figures 14-15), each claim judged on nets from separate and from shared initial weights.</summary>
[Trait(ExperimentTrait, Interpolation.Name)]
public sealed class InterpolationClaimsTests : ClaimTests
{
    /// <summary>Not stated in words (figures 14-15, Keskar et al. 2017): both solutions are minima along the line through them. Nets from separate initial weights.</summary>
    [Fact, Trait(Trait, "1-3/interpolation/ends-are-minima")]
    public void Both_solutions_have_lower_loss_than_the_line_beyond_them() => Reproduce(InterpolationClaims.EndsAreMinima);

    /// <summary>As above, with both nets of a pair started from one initialisation (Keskar et al.).</summary>
    [Fact, Trait(Trait, "1-3/interpolation/ends-are-minima-shared-init")]
    public void Both_solutions_from_one_initialisation_have_lower_loss_than_the_line_beyond_them() => Reproduce(InterpolationClaims.EndsAreMinimaSharedInit);

    /// <summary>Not stated in words (figure 14, Keskar et al. 2017): the loss rises more steeply beyond the large-batch solution than beyond the small-batch one. Separate initial weights.</summary>
    [Fact, Trait(Trait, "1-3/interpolation/large-batch-sharper")]
    public void The_loss_rises_more_steeply_beyond_the_large_batch_solution() => Reproduce(InterpolationClaims.LargeBatchSharper);

    /// <summary>As above, with both nets started from one initialisation (Keskar et al.).</summary>
    [Fact, Trait(Trait, "1-3/interpolation/large-batch-sharper-shared-init")]
    public void The_loss_rises_more_steeply_beyond_the_large_batch_solution_from_one_initialisation() => Reproduce(InterpolationClaims.LargeBatchSharperSharedInit);
}
