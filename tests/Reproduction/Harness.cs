using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Homework.Experiments;
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
    private static readonly ConcurrentDictionary<string, Lazy<(object Result, RunInfo Info)>> Results = new();

    public static Profile Profile { get; } =
        Environment.GetEnvironmentVariable(ProfileVariable) is { Length: > 0 } name ? Profiles.Parse(name) : Profile.Quick;

    public static ProjectPaths Paths { get; } = ProjectPaths.Discover();

    public static GoldenStore Golden { get; } = new(Paths.GoldenDirectory(Profile));

    /// <summary>The result of an experiment at <see cref="Profile"/> and its run record, trained on first use.</summary>
    public static (object Result, RunInfo Info) Run(Experiment experiment) =>
        Results.GetOrAdd(experiment.Name, _ => new Lazy<(object, RunInfo)>(() =>
        {
            var context = new RunContext { DataDirectory = Paths.DataDirectory };
            return RunStore.RunAndSave(experiment, experiment.Configure(Profile), Profile, context, Paths);
        })).Value;

    /// <summary>Evaluates the claim and fails, with the golden table, unless verdict and metrics match.</summary>
    public static void Reproduce(string claimId)
    {
        var claim = Catalog.FindClaim(claimId);
        var (result, info) = Run(Catalog.ExperimentOf(claim));
        var check = Golden.Check(claim.Evaluate(result, Profile).ToGolden(info.Numerics));
        if (!check.Ok)
            throw new XunitException(check.Message);
    }
}

/// <summary>
/// Base of the claim tests. A test is a <c>[Fact]</c> named after its claim, with
/// <c>[Trait("claim", "&lt;id&gt;")]</c> (so <c>dotnet test --filter claim=&lt;id&gt;</c> runs it),
/// whose body is <c>Reproduce()</c>.
/// </summary>
public abstract class ClaimTests
{
    public const string Trait = "claim";

    protected void Reproduce([CallerMemberName] string test = "")
    {
        var method = GetType().GetMethod(test)!;
        Harness.Reproduce(ClaimOf(method)
            ?? throw new InvalidOperationException($"{GetType().Name}.{test} has no [Trait(\"{Trait}\", \"<claim id>\")]."));
    }

    /// <summary>The claim id in a test method's <c>claim</c> trait, or null.</summary>
    public static string? ClaimOf(MethodInfo method) =>
        method.CustomAttributes
            .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == Trait)
            .Select(a => (string?)a.ConstructorArguments[1].Value)
            .FirstOrDefault();
}
