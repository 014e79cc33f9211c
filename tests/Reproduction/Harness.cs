using System.Collections.Concurrent;
using System.Reflection;
using Homework.Experiments.Claims;
using Homework.Experiments.Core;
using Homework.Experiments.Golden;
using Xunit.Sdk;

namespace Homework.Tests.Reproduction;

/// <summary>
/// Runs each experiment once per test run (really training it, at the profile named by
/// <c>HOMEWORK_PROFILE</c>, quick by default), saves its result under
/// <c>artifacts/runs/&lt;experiment&gt;/&lt;profile&gt;/</c> for the figures and the report, and
/// checks a claim against its golden file.
/// </summary>
public static class Harness
{
    public const string ProfileVariable = "HOMEWORK_PROFILE";
    private static readonly ConcurrentDictionary<Experiment, Lazy<SavedRun>> Results = new();

    public static Profile Profile { get; } =
        Environment.GetEnvironmentVariable(ProfileVariable) is { Length: > 0 } name ? Profiles.Parse(name) : Profile.Quick;

    public static ProjectPaths Paths { get; } = ProjectPaths.Discover();

    public static GoldenStore Golden { get; } = new(Paths.GoldenDirectory(Profile));

    /// <summary>The preset run of an experiment at <see cref="Profile"/> (result and run record), trained on first use.</summary>
    public static SavedRun Run(Experiment experiment) =>
        Results.GetOrAdd(experiment, _ => new Lazy<SavedRun>(() =>
        {
            // The longer experiment's trainings take a freed core first (see LongestFirst).
            var context = new RunContext { DataDirectory = Paths.DataDirectory, SlotPriority = LongestFirst.Rank[experiment] };
            return RunStore.RunAndSave(experiment, experiment.Configure(Profile), Profile, context, Paths);
        })).Value;

    /// <summary>Evaluates the claim on its experiment's result and fails, with the golden table, unless verdict and metrics match.</summary>
    public static void Reproduce(Claim claim)
    {
        var run = Run(claim.Experiment);
        var check = Golden.Check(claim.Evaluate(run.Result, Profile).ToGolden(run.Info.Numerics, batchOrder: run.Info.BatchOrder));
        if (!check.Ok)
            throw new XunitException(check.Message);
    }
}

/// <summary>
/// Base of the claim tests: one class per experiment, <c>&lt;Experiment&gt;ClaimsTests</c>, with
/// <c>[Trait("experiment", "&lt;name&gt;")]</c>; in it one <c>[Fact]</c> per claim, named after the
/// claim and quoting it, with <c>[Trait("claim", "&lt;id&gt;")]</c> (the id written out, so that
/// searching for it finds the test, and <c>dotnet test --filter claim=&lt;id&gt;</c> runs it), whose
/// body is <c>Reproduce(&lt;the claim object&gt;)</c>: the test reaches its claim through the
/// compiler. <c>GoldenFilesTests</c> checks that the traits agree with the claim objects.
/// </summary>
public abstract class ClaimTests
{
    /// <summary>The trait that names a test's claim id.</summary>
    public const string Trait = "claim";

    /// <summary>The trait that names a test class's experiment.</summary>
    public const string ExperimentTrait = "experiment";

    /// <summary>While set, <see cref="Reproduce"/> only records its claim: how the housekeeping tests learn which claim a test checks, without training.</summary>
    private static readonly AsyncLocal<List<Claim>?> Recording = new();

    protected static void Reproduce(Claim claim)
    {
        if (Recording.Value is { } recorded)
            recorded.Add(claim);
        else
            Harness.Reproduce(claim);
    }

    /// <summary>The claims <paramref name="test"/> (a claim test method) checks, found by calling it with recording on: nothing is trained.</summary>
    public static IReadOnlyList<Claim> ClaimsCheckedBy(MethodInfo test)
    {
        var recorded = new List<Claim>();
        Recording.Value = recorded;
        try
        {
            test.Invoke(Activator.CreateInstance(test.DeclaringType!), null);
        }
        finally
        {
            Recording.Value = null;
        }
        return recorded;
    }

    /// <summary>The values of a trait on a test method, or on its class for the class's traits.</summary>
    public static IReadOnlyList<string> TraitValues(MemberInfo member, string name) =>
        member.CustomAttributes
            .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == name)
            .Select(a => (string)a.ConstructorArguments[1].Value!)
            .ToList();
}
