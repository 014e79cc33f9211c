using Homework.Experiments.Claims;
using Homework.Experiments.Figures;

namespace Homework.Experiments.Core;

/// <summary>
/// An experiment as the command line, the tests, the figures and the report see it: a
/// name, its presets per profile, a way to run it, and the claims and figures that read
/// its result. The experiment itself lives in one file of <c>Runs/</c> (config record,
/// <c>Run</c>, result record); this only connects it to the rest.
/// </summary>
public abstract class Experiment
{
    /// <summary>Name used on the command line and in paths, e.g. <c>function-fitting</c>.</summary>
    public required string Name { get; init; }

    /// <summary>One line for listings.</summary>
    public required string Title { get; init; }

    /// <summary>Part of the report, e.g. <c>1-1</c>.</summary>
    public required string Part { get; init; }

    public abstract Type ConfigType { get; }

    public abstract Type ResultType { get; }

    public IReadOnlyList<Claim> Claims { get; init; } = [];

    public IReadOnlyList<FigureSpec> Figures { get; init; } = [];

    /// <summary>The config of a profile with <c>key=value</c> overrides applied.</summary>
    public abstract object Configure(Profile profile, IEnumerable<string>? overrides = null);

    public abstract object Run(object config, RunContext context);

    /// <summary>The config a result was produced with.</summary>
    public abstract object ConfigOf(object result);

    public abstract object ReadResult(string path);
}

/// <summary>A result record that carries the config it was produced with.</summary>
public interface IExperimentResult<out TConfig>
{
    TConfig Config { get; }
}

/// <summary>An experiment with typed config and result.</summary>
public sealed class Experiment<TConfig, TResult> : Experiment
    where TConfig : notnull
    where TResult : IExperimentResult<TConfig>
{
    public required Func<Profile, TConfig> Preset { get; init; }

    public required Func<TConfig, RunContext, TResult> RunTyped { get; init; }

    public override Type ConfigType => typeof(TConfig);

    public override Type ResultType => typeof(TResult);

    public override object Configure(Profile profile, IEnumerable<string>? overrides = null) =>
        ConfigOverrides.Apply(Preset(profile), overrides ?? []);

    public override object Run(object config, RunContext context) => RunTyped((TConfig)config, context);

    public override object ConfigOf(object result) => ((TResult)result).Config;

    public override object ReadResult(string path) => Json.Read<TResult>(path);
}
