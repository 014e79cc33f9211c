using Homework.Experiments;
using Homework.Experiments.Core;
using Homework.Mutations;

namespace Homework.Tests.Unit.Golden;

/// <summary>
/// The mutation suite (tests/Mutations) edits the current sources; these checks keep it from
/// rotting silently when the code it mutates moves: every mutation still finds its one line.
/// </summary>
public sealed class MutationSuiteTests
{
    private static readonly string Root = ProjectPaths.Discover().Root;

    public static TheoryData<string> Names => [.. MutationSuite.All.Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_mutation_still_changes_exactly_one_place_of_an_existing_experiment(string name)
    {
        var mutation = MutationSuite.Find(name);
        string original = File.ReadAllText(Path.Combine(Root, mutation.File));

        MutationRunner.Apply(mutation, original).Should().NotBe(original);
        mutation.Experiments.Should().NotBeEmpty().And.OnlyHaveUniqueItems();
        foreach (string experiment in mutation.Experiments)
        {
            FluentActions.Invoking(() => Catalog.Find(experiment)).Should().NotThrow();
            Catalog.ClaimsOf(Catalog.Find(experiment)).Should().NotBeEmpty();
        }
        MutationRunner.Filter(mutation.Experiments).Should().Be(string.Join("|", mutation.Experiments.Select(e => $"experiment={e}")));
    }

    [Fact]
    public void A_mutation_whose_text_is_gone_says_how_to_fix_it()
    {
        var stale = MutationSuite.All[0] with { Find = "no such line" };
        FluentActions.Invoking(() => MutationRunner.Apply(stale, "some code"))
            .Should().Throw<InvalidOperationException>().WithMessage("*no longer applies*occurs 0 times*tests/Mutations/Mutation.cs*");
    }
}
