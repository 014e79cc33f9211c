using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Figures;
using Homework.Experiments.Runs;

namespace Homework.Experiments;

/// <summary>
/// Every experiment of the report, and the claims and figures that read each one. An
/// experiment is one typed object defined with its run (<c>Runs/&lt;Name&gt;.cs</c>); its claims
/// (<c>Claims/&lt;Name&gt;Claims.cs</c>) and figures (<c>Figures/&lt;Name&gt;Figures.cs</c>) refer to
/// that object, and this class only lists them and groups them by it.
/// </summary>
public static class Catalog
{
    /// <summary>The experiments in the order of the report.</summary>
    public static IReadOnlyList<Experiment> Experiments { get; } =
    [
        FunctionFitting.Experiment,
        MnistCnn.Experiment,
        OptimizationPaths.Experiment,
        GradientNorm.Experiment,
        MinimalRatio.Experiment,
        RandomLabels.Experiment,
        ParameterCount.Experiment,
        Interpolation.Experiment,
        Sensitivity.Experiment,
    ];

    /// <summary>Every claim, grouped by experiment in the order of <see cref="Experiments"/>.</summary>
    public static IReadOnlyList<Claim> Claims { get; } = ByExperiment<Claim>(
    [
        .. FunctionFittingClaims.All, .. MnistCnnClaims.All, .. OptimizationPathsClaims.All, .. GradientNormClaims.All, .. MinimalRatioClaims.All,
        .. RandomLabelsClaims.All, .. ParameterCountClaims.All, .. InterpolationClaims.All, .. SensitivityClaims.All,
    ], c => c.Experiment, c => $"claim {c.Id}");

    /// <summary>Every figure, by number.</summary>
    public static IReadOnlyList<FigureSpec> Figures { get; } = ByExperiment<FigureSpec>(
    [
        .. FunctionFittingFigures.All, .. MnistCnnFigures.All, .. OptimizationPathsFigures.All, .. GradientNormFigures.All, .. MinimalRatioFigures.All,
        .. RandomLabelsFigures.All, .. ParameterCountFigures.All, .. InterpolationFigures.All, .. SensitivityFigures.All,
    ], f => f.Experiment, f => $"figure {f.Number}").OrderBy(f => f.Number).ToList();

    /// <summary>The claims that read <paramref name="experiment"/>'s result.</summary>
    public static IReadOnlyList<Claim> ClaimsOf(Experiment experiment) => Claims.Where(c => c.Experiment == experiment).ToList();

    /// <summary>The figures drawn from <paramref name="experiment"/>'s result, by number.</summary>
    public static IReadOnlyList<FigureSpec> FiguresOf(Experiment experiment) => Figures.Where(f => f.Experiment == experiment).ToList();

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

    /// <summary>
    /// The items in the order of <see cref="Experiments"/> (stable within one experiment). An item
    /// whose experiment is not listed above would never be run or checked; refuse it instead.
    /// </summary>
    private static List<T> ByExperiment<T>(IReadOnlyList<T> items, Func<T, Experiment> experimentOf, Func<T, string> describe)
    {
        var stray = items.Where(i => !Experiments.Contains(experimentOf(i))).Select(i => $"{describe(i)} -> {experimentOf(i).Name}").ToList();
        return stray.Count == 0
            ? Experiments.SelectMany(e => items.Where(i => experimentOf(i) == e)).ToList()
            : throw new InvalidOperationException($"Claims or figures read an experiment that the catalog does not list: {string.Join("; ", stray)}.");
    }
}
