using Homework.Experiments;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Figures;
using Homework.Experiments.Runs;

namespace Homework.Tests.Unit.Claims;

/// <summary>The claim registry is consistent: unique ids, known experiments and figures, quoted statements.</summary>
public sealed class CatalogTests
{
    [Fact]
    public void Claim_ids_are_unique_and_shaped_part_topic_claim()
    {
        var ids = Catalog.Claims.Select(c => c.Id).ToList();
        ids.Should().OnlyHaveUniqueItems();
        ids.Should().OnlyContain(id => System.Text.RegularExpressions.Regex.IsMatch(id, "^1-[123]/[a-z0-9-]+/[a-z0-9-]+$"));
    }

    [Fact]
    public void Every_claim_names_its_experiments_part_and_its_figures()
    {
        foreach (var experiment in Catalog.Experiments)
            foreach (var claim in Catalog.ClaimsOf(experiment))
            {
                claim.Experiment.Should().BeSameAs(experiment);
                claim.Id.Should().StartWith(experiment.Part + "/");
                claim.Figures.Should().NotBeEmpty().And.OnlyContain(n => n >= 1 && n <= 18);
                claim.Statement.Should().NotBeNullOrWhiteSpace();
                claim.Criterion.Should().NotBeNullOrWhiteSpace();
            }
        Catalog.Experiments.Sum(e => Catalog.ClaimsOf(e).Count).Should().Be(Catalog.Claims.Count);
    }

    [Fact]
    public void Every_experiment_has_claims_and_figures_and_a_unique_name()
    {
        Catalog.Experiments.Select(e => e.Name).Should().OnlyHaveUniqueItems();
        foreach (var experiment in Catalog.Experiments)
        {
            Catalog.ClaimsOf(experiment).Should().NotBeEmpty($"{experiment.Name} is run for its claims");
            Catalog.FiguresOf(experiment).Should().NotBeEmpty($"{experiment.Name} is drawn");
        }
    }

    [Fact]
    public void Figure_numbers_are_unique_and_every_figure_a_claim_names_exists()
    {
        Catalog.Figures.Select(f => f.Number).Should().OnlyHaveUniqueItems();
        foreach (var claim in Catalog.Claims)
            claim.Figures.Should().BeSubsetOf(Catalog.Figures.Select(f => f.Number), $"{claim.Id} names figures that are drawn");
    }

    [Fact]
    public void Unknown_names_fail_with_the_valid_ones()
    {
        FluentActions.Invoking(() => Catalog.Find("nope")).Should().Throw<UsageException>().WithMessage("*Valid: all, function-fitting, mnist-cnn, *");
        FluentActions.Invoking(() => Catalog.FindClaim("1-1/x/y")).Should().Throw<UsageException>();
    }

    [Fact]
    public void Every_experiment_has_a_quick_and_a_full_preset()
    {
        foreach (var experiment in Catalog.Experiments)
        {
            experiment.Configure(Profile.Quick).Should().NotBeNull();
            // The gradient-norm run costs seconds at the full scale, and a smaller one cannot decide its claim.
            if (experiment != Homework.Experiments.Runs.GradientNorm.Experiment)
                experiment.Configure(Profile.Full).Should().NotBeNull().And.NotBe(experiment.Configure(Profile.Quick));
        }
    }

    /// <summary>
    /// The seed keys are mixed into every derived seed, so every committed golden number depends
    /// on them: this pins them to the strings the golden files were made with. Change one only
    /// with new golden files.
    /// </summary>
    [Fact]
    public void The_seed_keys_are_the_ones_every_result_was_produced_with()
    {
        new[]
        {
            FunctionFitting.SeedKey, MnistCnn.SeedKey, OptimizationPaths.SeedKey, GradientNorm.SeedKey, MinimalRatio.SeedKey,
            RandomLabels.SeedKey, ParameterCount.SeedKey, Interpolation.SeedKey, Sensitivity.SeedKey,
        }.Should().Equal(
            "function-fitting", "mnist-cnn", "optimization-paths", "gradient-norm", "minimal-ratio",
            "random-labels", "parameter-count", "interpolation", "sensitivity");
    }

    /// <summary>
    /// One name per experiment: <c>mnist-cnn</c> is <c>Runs.MnistCnn</c> with <c>MnistCnnConfig</c>
    /// and <c>MnistCnnResult</c>, its claims are in <c>MnistCnnClaims</c> and its figures in
    /// <c>MnistCnnFigures</c>, each class in the file of its name.
    /// </summary>
    [Fact]
    public void Each_experiment_has_one_name_through_runs_claims_and_figures()
    {
        var types = typeof(Catalog).Assembly.GetTypes();
        foreach (var experiment in Catalog.Experiments)
        {
            string name = experiment.CodeName;
            var run = types.Single(t => t.Namespace == "Homework.Experiments.Runs" && t.Name == name);
            run.GetProperty("Experiment")!.GetValue(null).Should().BeSameAs(experiment, $"Runs.{name}.Experiment is {experiment.Name}");
            experiment.GetType().GetGenericArguments().Select(t => t.Name).Should().Equal($"{name}Config", $"{name}Result");
        }
        foreach (var (suffix, itemType) in new[] { ("Claims", typeof(Claim)), ("Figures", typeof(FigureSpec)) })
        {
            var holders = types.Where(t => t.Namespace == $"Homework.Experiments.{suffix}" && t.GetProperty("All") is { } all
                                           && all.PropertyType == typeof(IReadOnlyList<>).MakeGenericType(itemType)).ToList();
            holders.Select(h => h.Name).Should().BeEquivalentTo(Catalog.Experiments.Select(e => e.CodeName + suffix));
            foreach (var holder in holders)
            {
                var items = ((System.Collections.IEnumerable)holder.GetProperty("All")!.GetValue(null)!).Cast<object>().ToList();
                var experiments = items.Select(i => i is Claim c ? c.Experiment : ((FigureSpec)i).Experiment).Distinct().ToList();
                experiments.Should().ContainSingle($"{holder.Name} holds the {suffix.ToLowerInvariant()} of one experiment");
                holder.Name.Should().Be(experiments[0].CodeName + suffix);
            }
        }
    }
}
