using Homework.Experiments.Claims;
using Homework.Experiments.Runs;

namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-3, "Flatness vs generalization" part 2: sensitivity against batch size (figures 16-17), "decreases" judged once per measure.</summary>
[Trait(ExperimentTrait, Sensitivity.Name)]
public sealed class SensitivityClaimsTests : ClaimTests
{
    /// <summary>"Sensitivity decreases with batch size." Measured as the report does: loss-gradient norm over batches of each net's own batch size.</summary>
    [Fact, Trait(Trait, "1-3/sensitivity/decreases-with-batch-size-report-measure")]
    public void Sensitivity_measured_the_reports_way_decreases_with_batch_size() => Reproduce(SensitivityClaims.DecreasesReportMeasure);

    /// <summary>"Sensitivity decreases with batch size." Measured per sample on one fixed set for every net.</summary>
    [Fact, Trait(Trait, "1-3/sensitivity/decreases-with-batch-size-fixed-set")]
    public void Per_sample_loss_gradient_sensitivity_decreases_with_batch_size() => Reproduce(SensitivityClaims.DecreasesFixedSet);

    /// <summary>"Sensitivity decreases with batch size." Measured as the input-output Jacobian norm (Novak et al. 2018).</summary>
    [Fact, Trait(Trait, "1-3/sensitivity/decreases-with-batch-size-jacobian")]
    public void Jacobian_sensitivity_decreases_with_batch_size() => Reproduce(SensitivityClaims.DecreasesJacobian);

    /// <summary>"We draw the conclusion that the network will perform best when the batch size is between 102 and 103." (10² and 10³)</summary>
    [Fact, Trait(Trait, "1-3/sensitivity/best-batch-size-100-to-1000")]
    public void The_best_test_accuracy_is_at_a_batch_size_between_100_and_1000() => Reproduce(SensitivityClaims.BestBatchSize100To1000);
}
