using Homework.Experiments;
using Homework.Experiments.Core;

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
    public void Every_claim_belongs_to_the_experiment_that_lists_it_and_names_its_figures()
    {
        foreach (var experiment in Catalog.Experiments)
            foreach (var claim in experiment.Claims)
            {
                claim.Experiment.Should().Be(experiment.Name);
                claim.Id.Should().StartWith(experiment.Part + "/");
                claim.Figures.Should().NotBeEmpty().And.OnlyContain(n => n >= 1 && n <= 18);
                claim.Statement.Should().NotBeNullOrWhiteSpace();
                claim.Criterion.Should().NotBeNullOrWhiteSpace();
            }
    }

    [Fact]
    public void Figure_numbers_are_unique()
    {
        Catalog.Figures.Select(f => f.Number).Should().OnlyHaveUniqueItems();
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
            experiment.Configure(Profile.Full).Should().NotBeNull().And.NotBe(experiment.Configure(Profile.Quick));
        }
    }
}
