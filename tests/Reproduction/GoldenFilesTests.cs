using System.Reflection;
using Homework.Experiments;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;

namespace Homework.Tests.Reproduction;

/// <summary>
/// Housekeeping: every claim has exactly one test, whose traits (the ones <c>dotnet test --filter</c>
/// reads) agree with the claim object it checks, and every golden file belongs to a claim.
/// </summary>
public sealed class GoldenFilesTests
{
    /// <summary>A claim test, its traits, and the claims its body checks (learned without training).</summary>
    private sealed record ClaimTest(MethodInfo Method, IReadOnlyList<string> ClaimTraits, IReadOnlyList<string> ExperimentTraits, IReadOnlyList<Claim> Checks)
    {
        public string Name => $"{Method.DeclaringType!.Name}.{Method.Name}";
    }

    private static readonly IReadOnlyList<ClaimTest> Tests =
        typeof(ClaimTests).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ClaimTests)))
            .SelectMany(t => t.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null))
            .Select(m => new ClaimTest(m, ClaimTests.TraitValues(m, ClaimTests.Trait),
                ClaimTests.TraitValues(m.DeclaringType!, ClaimTests.ExperimentTrait), ClaimTests.ClaimsCheckedBy(m)))
            .ToList();

    [Fact]
    public void Every_claim_of_the_report_has_exactly_one_reproduction_test()
    {
        foreach (var test in Tests)
            test.Checks.Should().ContainSingle($"{test.Name} checks one claim, by calling Reproduce(<claim>) once");
        var tested = Tests.SelectMany(t => t.Checks).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        foreach (var claim in Catalog.Claims)
            tested.GetValueOrDefault(claim).Should().Be(1, $"claim {claim.Id} needs exactly one test that calls Reproduce with it");
        tested.Keys.Should().BeSubsetOf(Catalog.Claims, "every tested claim must be in the catalog");
    }

    [Fact]
    public void Every_claim_tests_traits_name_the_claim_it_checks_and_its_experiment()
    {
        foreach (var test in Tests.Where(t => t.Checks.Count == 1))
        {
            var claim = test.Checks[0];
            test.ClaimTraits.Should().Equal([claim.Id], $"{test.Name} checks {claim.Id}, so `--filter claim={claim.Id}` must run it");
            test.ExperimentTraits.Should().Equal([claim.Experiment.Name],
                $"{test.Name} checks a claim on {claim.Experiment.Name}, so `--filter experiment={claim.Experiment.Name}` must run it");
        }
    }

    [Fact]
    public void Each_experiments_claim_tests_are_one_class_named_after_it()
    {
        foreach (var group in Tests.Where(t => t.Checks.Count == 1).GroupBy(t => t.Checks[0].Experiment))
        {
            var classes = group.Select(t => t.Method.DeclaringType!.Name).Distinct().ToList();
            classes.Should().Equal([$"{group.Key.CodeName}ClaimsTests"], $"the claim tests of {group.Key.Name} live in one file named after it");
        }
    }

    [Fact]
    public void Every_golden_file_of_every_profile_belongs_to_a_claim()
    {
        foreach (var profile in Profiles.All)
            new GoldenStore(Harness.Paths.GoldenDirectory(profile)).Orphans(Catalog.Claims.Select(c => c.Id))
                .Should().BeEmpty($"verified files of the {profile.Slug()} profile that no claim uses are stale: delete them or restore their claim");
    }

    [Fact]
    public void Every_golden_file_of_a_variant_belongs_to_a_declared_variant_and_a_claim_of_its_experiment()
    {
        string root = Harness.Paths.VariantGoldenRoot;
        if (!Directory.Exists(root)) return;
        foreach (string file in Directory.EnumerateFiles(root, "*" + GoldenStore.VerifiedSuffix, SearchOption.AllDirectories))
        {
            var parts = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/').Split('/');
            parts.Length.Should().BeGreaterThan(3, $"{file} lies at variants/<profile>/<experiment>/<variant>/<claim id>");
            var profile = Profiles.Parse(parts[0]);
            var experiment = Catalog.Find(parts[1]);
            experiment.VariantList.Select(v => v.Name).Should().Contain(parts[2], $"{file} belongs to a variant {experiment.Name} declares");
            string claim = string.Join('/', parts[3..])[..^GoldenStore.VerifiedSuffix.Length];
            Catalog.ClaimsOf(experiment).Select(c => c.Id).Should().Contain(claim, $"{file} belongs to a claim of {experiment.Name}");
            GoldenStore.Read(file).Variant.Should().Be(parts[2]);
            GoldenStore.Read(file).Profile.Should().Be(profile.Slug());
        }
    }
}
