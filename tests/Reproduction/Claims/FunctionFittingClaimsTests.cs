using Homework.Experiments.Claims;
using Homework.Experiments.Runs;

namespace Homework.Tests.Reproduction.Claims;

/// <summary>Report part 1-1, "Simulate a function": three nets of ~571 parameters on two functions (figures 1-4).</summary>
[Trait(ExperimentTrait, FunctionFitting.Name)]
public sealed class FunctionFittingClaimsTests : ClaimTests
{
    /// <summary>"Models 0, 1, and 2 are fully connected neural networks with seven, four, and one layers, respectively, with 571, 572, and 572 parameters."</summary>
    [Fact, Trait(Trait, "1-1/nets/depth-and-size")]
    public void Nets_have_7_4_and_1_hidden_layers_and_about_571_parameters() => Reproduce(FunctionFittingClaims.DepthAndSize);

    /// <summary>"Within an acceptable number of training cycles, all models for the two functions experienced loss function convergence."</summary>
    [Fact, Trait(Trait, "1-1/all/converge")]
    public void All_nets_converge_on_both_functions() => Reproduce(FunctionFittingClaims.AllConverge);

    /// <summary>"After 2500 iterations, convergence is attained." (sin(5πx)/(5πx), figure 1)</summary>
    [Fact, Trait(Trait, "1-1/sinc/converges-by-2500")]
    public void Sinc_fits_converge_by_about_2500_iterations() => Reproduce(FunctionFittingClaims.SincConvergesBy2500);

    /// <summary>"While the graph's models performed well in the middle, the x-extreme axis's ends include misclassifications."</summary>
    [Fact, Trait(Trait, "1-1/sign/edges-misclassified")]
    public void Sign_fits_misclassify_at_the_edges_more_than_in_the_middle() => Reproduce(FunctionFittingClaims.SignEdgesMisclassified);

    /// <summary>"The failure at the graph's edges is reduced the deeper the model is."</summary>
    [Fact, Trait(Trait, "1-1/sign/deeper-fits-edges-better")]
    public void Deeper_nets_misclassify_less_at_the_edges() => Reproduce(FunctionFittingClaims.SignDeeperFitsEdgesBetter);
}
