using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Figures;
using Homework.Experiments.Runs;

namespace Homework.Experiments;

/// <summary>Every experiment of the report, with the claims and figures that read it.</summary>
public static class Catalog
{
    public static IReadOnlyList<Experiment> Experiments { get; } =
    [
        new Experiment<FunctionFittingConfig, FunctionFittingResult>
        {
            Name = FunctionFittingClaims.Experiment,
            Title = "Deep vs shallow: three ~571-parameter nets fit sin(5πx)/(5πx) and sign(sin(5πx))",
            Part = "1-1",
            Preset = FunctionFittingConfig.For,
            RunTyped = FunctionFitting.Run,
            Config = r => r.Config,
            Claims = FunctionFittingClaims.All,
            Figures = FunctionFittingFigures.All,
        },
        new Experiment<CnnTrainingConfig, CnnTrainingResult>
        {
            Name = CnnTrainingClaims.Experiment,
            Title = "Two CNNs on MNIST, batch size 10: loss and train/test accuracy per epoch",
            Part = "1-1",
            Preset = CnnTrainingConfig.For,
            RunTyped = CnnTraining.Run,
            Config = r => r.Config,
            Claims = CnnTrainingClaims.All,
            Figures = CnnTrainingFigures.All,
        },
        new Experiment<OptimizationPathsConfig, OptimizationPathsResult>
        {
            Name = "optimization-paths",
            Title = "Weights of eight training series of a 57-parameter net, projected by PCA",
            Part = "1-2",
            Preset = OptimizationPathsConfig.For,
            RunTyped = OptimizationPaths.Run,
            Config = r => r.Config,
            Claims = OptimizationClaims.All.Where(c => c.Experiment == "optimization-paths").ToList(),
            Figures = OptimizationFigures.All.Where(f => f.Experiment == "optimization-paths").ToList(),
        },
        new Experiment<GradientNormConfig, GradientNormResult>
        {
            Name = "gradient-norm",
            Title = "Loss and gradient norm per epoch while fitting sin(5πx)/(5πx)",
            Part = "1-2",
            Preset = GradientNormConfig.For,
            RunTyped = GradientNorm.Run,
            Config = r => r.Config,
            Claims = OptimizationClaims.All.Where(c => c.Experiment == "gradient-norm").ToList(),
            Figures = OptimizationFigures.All.Where(f => f.Experiment == "gradient-norm").ToList(),
        },
        new Experiment<MinimalRatioConfig, MinimalRatioResult>
        {
            Name = "minimal-ratio",
            Title = "Minimal ratio of the Hessian at near-critical points against the loss",
            Part = "1-2",
            Preset = MinimalRatioConfig.For,
            RunTyped = MinimalRatio.Run,
            Config = r => r.Config,
            Claims = OptimizationClaims.All.Where(c => c.Experiment == "minimal-ratio").ToList(),
            Figures = OptimizationFigures.All.Where(f => f.Experiment == "minimal-ratio").ToList(),
        },
        new Experiment<RandomLabelsConfig, RandomLabelsResult>
        {
            Name = "random-labels",
            Title = "Can a network fit random labels? Train and test loss per epoch",
            Part = "1-3",
            Preset = RandomLabelsConfig.For,
            RunTyped = RandomLabels.Run,
            Config = r => r.Config,
            Claims = GeneralizationClaims.All.Where(c => c.Experiment == "random-labels").ToList(),
            Figures = GeneralizationFigures.All.Where(f => f.Experiment == "random-labels").ToList(),
        },
        new Experiment<ParameterCountConfig, ParameterCountResult>
        {
            Name = "parameter-count",
            Title = "Number of parameters vs generalization: final loss and accuracy of 3-hidden-layer nets",
            Part = "1-3",
            Preset = ParameterCountConfig.For,
            RunTyped = ParameterCount.Run,
            Config = r => r.Config,
            Claims = GeneralizationClaims.All.Where(c => c.Experiment == "parameter-count").ToList(),
            Figures = GeneralizationFigures.All.Where(f => f.Experiment == "parameter-count").ToList(),
        },
        new Experiment<InterpolationConfig, InterpolationResult>
        {
            Name = FlatnessClaims.InterpolationExperiment,
            Title = "Loss and accuracy on the line between two MNIST solutions (batch 64 vs 1024, lr 0.001 vs 0.01)",
            Part = "1-3",
            Preset = InterpolationConfig.For,
            RunTyped = Interpolation.Run,
            Config = r => r.Config,
            Claims = FlatnessClaims.All.Where(c => c.Experiment == FlatnessClaims.InterpolationExperiment).ToList(),
            Figures = FlatnessFigures.All.Where(f => f.Experiment == FlatnessClaims.InterpolationExperiment).ToList(),
        },
        new Experiment<SensitivityConfig, SensitivityResult>
        {
            Name = FlatnessClaims.SensitivityExperiment,
            Title = "Loss, accuracy and input sensitivity of a 784-20-30-10 net against batch size (5 to 1,000)",
            Part = "1-3",
            Preset = SensitivityConfig.For,
            RunTyped = Sensitivity.Run,
            Config = r => r.Config,
            Claims = FlatnessClaims.All.Where(c => c.Experiment == FlatnessClaims.SensitivityExperiment).ToList(),
            Figures = FlatnessFigures.All.Where(f => f.Experiment == FlatnessClaims.SensitivityExperiment).ToList(),
        },
    ];

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
}
