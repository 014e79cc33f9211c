namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-3, "Flatness vs generalization": the line between two solutions (figures 14-15) and sensitivity against batch size (16-17).</summary>
public sealed class FlatnessClaimsTests : ClaimTests
{
    /// <summary>Not stated in words (figures 14-15, Keskar et al. 2017): both solutions are minima along the line through them. Nets from separate initial weights.</summary>
    [Fact, Trait(Trait, "1-3/interpolation/ends-are-minima")]
    public void Both_solutions_have_lower_loss_than_the_line_beyond_them() => Reproduce();

    /// <summary>As above, with both nets of a pair started from one initialisation (Keskar et al.).</summary>
    [Fact, Trait(Trait, "1-3/interpolation/ends-are-minima-shared-init")]
    public void Both_solutions_from_one_initialisation_have_lower_loss_than_the_line_beyond_them() => Reproduce();

    /// <summary>Not stated in words (figure 14, Keskar et al. 2017): the loss rises more steeply beyond the large-batch solution than beyond the small-batch one. Separate initial weights.</summary>
    [Fact, Trait(Trait, "1-3/interpolation/large-batch-sharper")]
    public void The_loss_rises_more_steeply_beyond_the_large_batch_solution() => Reproduce();

    /// <summary>As above, with both nets started from one initialisation (Keskar et al.).</summary>
    [Fact, Trait(Trait, "1-3/interpolation/large-batch-sharper-shared-init")]
    public void The_loss_rises_more_steeply_beyond_the_large_batch_solution_from_one_initialisation() => Reproduce();

    /// <summary>"Sensitivity decreases with batch size." Measured as the report does: loss-gradient norm over batches of each net's own batch size.</summary>
    [Fact, Trait(Trait, "1-3/sensitivity/decreases-with-batch-size-report-measure")]
    public void Sensitivity_measured_the_reports_way_decreases_with_batch_size() => Reproduce();

    /// <summary>"Sensitivity decreases with batch size." Measured per sample on one fixed set for every net.</summary>
    [Fact, Trait(Trait, "1-3/sensitivity/decreases-with-batch-size-fixed-set")]
    public void Per_sample_loss_gradient_sensitivity_decreases_with_batch_size() => Reproduce();

    /// <summary>"Sensitivity decreases with batch size." Measured as the input-output Jacobian norm (Novak et al. 2018).</summary>
    [Fact, Trait(Trait, "1-3/sensitivity/decreases-with-batch-size-jacobian")]
    public void Jacobian_sensitivity_decreases_with_batch_size() => Reproduce();

    /// <summary>"We draw the conclusion that the network will perform best when the batch size is between 102 and 103." (10² and 10³)</summary>
    [Fact, Trait(Trait, "1-3/sensitivity/best-batch-size-100-to-1000")]
    public void The_best_test_accuracy_is_at_a_batch_size_between_100_and_1000() => Reproduce();
}
