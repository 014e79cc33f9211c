using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Figures;
using Homework.Experiments.Runs;

namespace Homework.Experiments;

/// <summary>Every experiment of the report, with the claims and figures that read it (matched by experiment name).</summary>
public static class Catalog
{
    private static readonly IReadOnlyList<Claim> AllClaims =
        [.. FunctionFittingClaims.All, .. CnnTrainingClaims.All, .. OptimizationClaims.All, .. GeneralizationClaims.All, .. FlatnessClaims.All];

    private static readonly IReadOnlyList<FigureSpec> AllFigures =
        [.. FunctionFittingFigures.All, .. CnnTrainingFigures.All, .. OptimizationFigures.All, .. GeneralizationFigures.All, .. FlatnessFigures.All];

    public static IReadOnlyList<Experiment> Experiments { get; } = EveryClaimAndFigureAttached(
    [
        Define<FunctionFittingConfig, FunctionFittingResult>("function-fitting", "1-1",
            "Deep vs shallow: three ~571-parameter nets fit sin(5πx)/(5πx) and sign(sin(5πx))", FunctionFittingConfig.For, FunctionFitting.Run),
        Define<CnnTrainingConfig, CnnTrainingResult>("mnist-cnn", "1-1",
            "Two CNNs on MNIST, batch size 10: loss and train/test accuracy per epoch", CnnTrainingConfig.For, CnnTraining.Run),
        Define<OptimizationPathsConfig, OptimizationPathsResult>("optimization-paths", "1-2",
            "Weights of eight training series of a 57-parameter net, projected by PCA", OptimizationPathsConfig.For, OptimizationPaths.Run),
        Define<GradientNormConfig, GradientNormResult>("gradient-norm", "1-2",
            "Loss and gradient norm per epoch while fitting sin(5πx)/(5πx)", GradientNormConfig.For, GradientNorm.Run),
        Define<MinimalRatioConfig, MinimalRatioResult>("minimal-ratio", "1-2",
            "Minimal ratio of the Hessian at near-critical points against the loss", MinimalRatioConfig.For, MinimalRatio.Run),
        Define<RandomLabelsConfig, RandomLabelsResult>("random-labels", "1-3",
            "Can a network fit random labels? Train and test loss per epoch", RandomLabelsConfig.For, RandomLabels.Run),
        Define<ParameterCountConfig, ParameterCountResult>("parameter-count", "1-3",
            "Number of parameters vs generalization: final loss and accuracy of 3-hidden-layer nets", ParameterCountConfig.For, ParameterCount.Run),
        Define<InterpolationConfig, InterpolationResult>("interpolation", "1-3",
            "Loss and accuracy on the line between two MNIST solutions (batch 64 vs 1024, lr 0.001 vs 0.01)", InterpolationConfig.For, Interpolation.Run),
        Define<SensitivityConfig, SensitivityResult>("sensitivity", "1-3",
            "Loss, accuracy and input sensitivity of a 784-20-30-10 net against batch size (5 to 1,000)", SensitivityConfig.For, Sensitivity.Run),
    ]);

    public static IEnumerable<Claim> Claims => Experiments.SelectMany(e => e.Claims);

    public static IEnumerable<FigureSpec> Figures => Experiments.SelectMany(e => e.Figures).OrderBy(f => f.Number);

    /// <summary>The experiment called <paramref name="name"/>; the error lists the valid names.</summary>
    public static Experiment Find(string name) =>
        Experiments.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UsageException($"Unknown experiment '{name}'. Valid: all, {string.Join(", ", Experiments.Select(e => e.Name))}.");

    /// <summary>"all" or one experiment name.</summary>
    public static IReadOnlyList<Experiment> Select(string nameOrAll) =>
        string.Equals(nameOrAll, "all", StringComparison.OrdinalIgnoreCase) ? Experiments : [Find(nameOrAll)];

    public static Claim FindClaim(string id) =>
        Claims.FirstOrDefault(c => c.Id == id)
        ?? throw new UsageException($"Unknown claim '{id}'. Run `list` to see the claims.");

    public static Experiment ExperimentOf(Claim claim) => Find(claim.Experiment);

    /// <summary>A claim or figure naming no defined experiment would silently vanish; refuse it instead.</summary>
    private static IReadOnlyList<Experiment> EveryClaimAndFigureAttached(IReadOnlyList<Experiment> experiments)
    {
        var names = experiments.Select(e => e.Name).ToHashSet();
        var stray = AllClaims.Where(c => !names.Contains(c.Experiment)).Select(c => $"claim {c.Id} -> {c.Experiment}")
            .Concat(AllFigures.Where(f => !names.Contains(f.Experiment)).Select(f => $"figure {f.Number} -> {f.Experiment}")).ToList();
        return stray.Count == 0 ? experiments
            : throw new InvalidOperationException($"Claims or figures name an experiment that is not defined: {string.Join("; ", stray)}.");
    }

    private static Experiment Define<TConfig, TResult>(string name, string part, string title,
        Func<Profile, TConfig> preset, Func<TConfig, RunContext, TResult> run)
        where TConfig : notnull
        where TResult : IExperimentResult<TConfig> => new Experiment<TConfig, TResult>
    {
        Name = name,
        Part = part,
        Title = title,
        Preset = preset,
        RunTyped = run,
        Claims = AllClaims.Where(c => c.Experiment == name).ToList(),
        Figures = AllFigures.Where(f => f.Experiment == name).ToList(),
    };
}
