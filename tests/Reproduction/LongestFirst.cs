using Homework.Experiments;
using Homework.Experiments.Core;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Homework.Tests.Reproduction.LongestFirst", "Homework.Tests.Reproduction")]

namespace Homework.Tests.Reproduction;

/// <summary>
/// Starts the claim test classes of the longest experiments first (their configs' cost
/// estimates at <see cref="Harness.Profile"/>), then the rest: xunit runs as many classes at
/// once as there are cores, and a long experiment started last would leave the other cores
/// idle while it finishes. Which class runs when changes no result.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    /// <summary>Each experiment's rank, longest first: the order of its test class, and its trainings' priority for a work slot.</summary>
    public static IReadOnlyDictionary<Experiment, int> Rank { get; } =
        Catalog.Experiments
            .OrderByDescending(e => e.EstimatedSeconds(e.Configure(Harness.Profile)))
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .Select((e, rank) => (e, rank))
            .ToDictionary(x => x.e, x => x.rank);

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(RankOf).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    /// <summary>The rank of the experiment whose claims a collection (one test class) checks; after every experiment when it checks none.</summary>
    private static int RankOf(ITestCollection collection)
    {
        var type = typeof(LongestFirst).Assembly.GetTypes().FirstOrDefault(t => collection.DisplayName.EndsWith(t.FullName!, StringComparison.Ordinal));
        string? name = type is null ? null : ClaimTests.TraitValues(type, ClaimTests.ExperimentTrait).FirstOrDefault();
        var experiment = Catalog.Experiments.FirstOrDefault(e => e.Name == name);
        return experiment is null ? Rank.Count : Rank[experiment];
    }
}
