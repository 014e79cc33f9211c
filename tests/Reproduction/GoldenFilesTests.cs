using System.Reflection;
using Homework.Experiments;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Reproduction;

/// <summary>Housekeeping: every claim has exactly one test, and every golden file belongs to a claim.</summary>
public sealed class GoldenFilesTests
{
    private static readonly IReadOnlyList<(MethodInfo Test, string? Claim)> Tests =
        typeof(ClaimTests).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ClaimTests)))
            .SelectMany(t => t.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null))
            .Select(m => (m, ClaimTests.ClaimOf(m)))
            .ToList();

    [Fact]
    public void Every_claim_of_the_report_has_exactly_one_reproduction_test()
    {
        var tested = Tests.Where(t => t.Claim is not null).GroupBy(t => t.Claim!).ToDictionary(g => g.Key, g => g.Count());
        foreach (var claim in Catalog.Claims)
            tested.GetValueOrDefault(claim.Id).Should().Be(1, $"claim {claim.Id} needs one test with [Trait(\"claim\", \"{claim.Id}\")]");
        tested.Keys.Should().BeSubsetOf(Catalog.Claims.Select(c => c.Id), "every claim trait must name a claim of the catalog");
        Tests.Where(t => t.Claim is null).Select(t => t.Test.Name).Should().BeEmpty("claim tests need a claim trait");
    }

    [Fact]
    public void Every_golden_file_of_every_profile_belongs_to_a_claim()
    {
        foreach (var profile in Profiles.All)
            new GoldenStore(Harness.Paths.GoldenDirectory(profile)).Orphans(Catalog.Claims.Select(c => c.Id))
                .Should().BeEmpty($"verified files of the {profile.Slug()} profile that no claim uses are stale: delete them or restore their claim");
    }
}
