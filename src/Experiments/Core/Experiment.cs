namespace Homework.Experiments.Core;

/// <summary>
/// An experiment as the command line, the tests, the figures and the report see it: its
/// name, its presets per profile and a way to run it. Each experiment is one typed object,
/// defined next to its run in <c>Runs/</c> (for example <c>Runs.MnistCnn.Experiment</c>);
/// claims and figures refer to that object, so the compiler joins them to it. It does not
/// list its claims and figures: <see cref="Catalog"/> groups them by experiment, which keeps
/// static initialisation one-way (a claim reads its experiment, never the other way round).
/// </summary>
/// <param name="name">Name used on the command line, in test traits and in paths (<c>artifacts/runs/&lt;name&gt;/</c>), e.g. <c>function-fitting</c>.</param>
/// <param name="part">Part of the report, e.g. <c>1-1</c>.</param>
/// <param name="title">One line for listings.</param>
public abstract class Experiment(string name, string part, string title)
{
    /// <summary>Name used on the command line, in test traits and in paths, e.g. <c>function-fitting</c>.</summary>
    public string Name { get; } = name;

    /// <summary>Part of the report, e.g. <c>1-1</c>.</summary>
    public string Part { get; } = part;

    /// <summary>One line for listings.</summary>
    public string Title { get; } = title;

    /// <summary>
    /// The name in code, <c>mnist-cnn</c> as <c>MnistCnn</c>: the stem of the experiment's files
    /// and classes (<c>Runs/MnistCnn.cs</c> with <c>MnistCnnConfig</c> and <c>MnistCnnResult</c>,
    /// <c>Claims/MnistCnnClaims.cs</c>, <c>Figures/MnistCnnFigures.cs</c>, and the tests'
    /// <c>MnistCnnClaimsTests</c>), checked by the unit and housekeeping tests.
    /// </summary>
    public string CodeName => string.Concat(Name.Split('-').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));

    /// <summary>
    /// The config of a profile with <c>key=value</c> overrides applied, validated: a bad value is a
    /// one-line <see cref="UsageException"/> before anything trains or LibTorch loads.
    /// </summary>
    public abstract object Configure(Profile profile, IEnumerable<string>? overrides = null);

    /// <summary>The profile's preset config, without overrides: what the golden files, figures and report are about.</summary>
    public abstract object PresetOf(Profile profile);

    /// <summary>Trains with <paramref name="config"/> (validated again, for callers that built it themselves).</summary>
    public abstract object Run(object config, RunContext context, Profile profile = Profile.Quick);

    /// <summary>Reads a saved result; an error names the file and ends with <paramref name="fix"/>.</summary>
    public abstract object ReadResult(string path, string fix);

    /// <summary>About how long a run of <paramref name="config"/> takes (<see cref="IExperimentConfig.EstimatedSeconds"/>): what shards are balanced by.</summary>
    public double EstimatedSeconds(object config) => ((IExperimentConfig)config).EstimatedSeconds();

    /// <summary>The named variants of the experiment (<see cref="Variant{TConfig}"/>), in declaration order.</summary>
    public virtual IReadOnlyList<VariantInfo> VariantList => [];

    /// <summary>
    /// The config of variant <paramref name="name"/> at <paramref name="profile"/>: the preset with the
    /// variant's change, validated. An unknown name is a <see cref="UsageException"/> that lists the valid ones.
    /// </summary>
    public virtual object VariantConfig(Profile profile, string name) =>
        throw new UsageException($"{Name} has no variants; `list` shows the experiments that have.");

    /// <summary>The variant whose config <paramref name="config"/> is at <paramref name="profile"/>, or null.</summary>
    public string? VariantOf(object config, Profile profile) =>
        VariantList.FirstOrDefault(v => ConfigIdentity.Same(config, VariantConfig(profile, v.Name)))?.Name;

    /// <summary>What a part of this experiment is in a sharded run ("net"), or null when the experiment is never split.</summary>
    public virtual string? SplitBy => null;

    /// <summary>
    /// The parts a sharded run trains separately for <paramref name="config"/> (see
    /// <see cref="ExperimentSplit{TConfig, TResult}"/>); empty when the config is one unit.
    /// </summary>
    public virtual IReadOnlyList<(string Key, object Config)> PartsOf(object config) => [];

    /// <summary>The result of <paramref name="whole"/> from its parts' results, in the order of <see cref="PartsOf"/>.</summary>
    public virtual object MergeParts(object whole, IReadOnlyList<object> partResults) =>
        throw new InvalidOperationException($"{Name} is not split into parts, so there is nothing to merge.");

    public override string ToString() => Name;
}

/// <summary>
/// An experiment whose result is a <typeparamref name="TResult"/>. Claims and figures are
/// declared against this type (<c>Claim&lt;TResult&gt;</c>, <c>FigureSpec&lt;TResult&gt;</c>), so a
/// check or a drawing of another result type than the experiment's does not compile.
/// </summary>
public abstract class Experiment<TResult>(string name, string part, string title) : Experiment(name, part, title);

/// <summary>A result record that carries the config it was produced with.</summary>
public interface IExperimentResult<out TConfig>
{
    TConfig Config { get; }
}

/// <summary>An experiment with typed config and result.</summary>
/// <param name="preset">The config of each profile (the config record's <c>For</c>).</param>
/// <param name="run">Trains and returns the result (the run class's <c>Run</c>).</param>
public sealed class Experiment<TConfig, TResult>(string name, string part, string title,
    Func<Profile, TConfig> preset, Func<TConfig, RunContext, TResult> run) : Experiment<TResult>(name, part, title)
    where TConfig : IExperimentConfig
    where TResult : IExperimentResult<TConfig>
{
    /// <summary>The config of a profile, without overrides.</summary>
    public TConfig Preset(Profile profile) => preset(profile);

    public override object PresetOf(Profile profile) => preset(profile);

    public override object Configure(Profile profile, IEnumerable<string>? overrides = null)
    {
        var config = ConfigOverrides.Apply(preset(profile), overrides ?? []);
        ConfigValidation.ThrowIfInvalid(config, Name, profile);
        return config;
    }

    public override object Run(object config, RunContext context, Profile profile = Profile.Quick)
    {
        ConfigValidation.ThrowIfInvalid((TConfig)config, Name, profile);
        return run((TConfig)config, context);
    }

    public override object ReadResult(string path, string fix) => Json.Read<TResult>(path, fix);

    /// <summary>
    /// The named variants of the experiment, declared next to its config record: each a change of
    /// the preset with the unstated choice it probes. Names are unique and kebab-case.
    /// </summary>
    public IReadOnlyList<Variant<TConfig>> Variants { get; init; } = [];

    public override IReadOnlyList<VariantInfo> VariantList => Variants.Select(v => new VariantInfo(v.Name, v.Reason)).ToList();

    public override object VariantConfig(Profile profile, string name)
    {
        var variant = Variants.FirstOrDefault(v => v.Name == name)
            ?? (Variants.Count == 0 ? throw new UsageException($"{Name} has no variants; `list` shows the experiments that have.")
                : throw new UsageException($"Unknown variant '{name}' of {Name}. Valid: {string.Join(", ", Variants.Select(v => v.Name))}."));
        var config = variant.Apply(preset(profile));
        ConfigValidation.ThrowIfInvalid(config, $"{Name} (variant {name})", profile);
        return config;
    }

    /// <summary>
    /// How a sharded run splits this experiment, if it may (declared next to the config record,
    /// e.g. <c>MnistCnn.ByNet</c>); null: the experiment is always one unit.
    /// </summary>
    public ExperimentSplit<TConfig, TResult>? Split { get; init; }

    public override string? SplitBy => Split?.By;

    public override IReadOnlyList<(string Key, object Config)> PartsOf(object config) =>
        Split?.Parts((TConfig)config) is { Count: >= 2 } parts ? parts.Select(p => (p.Key, (object)p.Config)).ToList() : [];

    public override object MergeParts(object whole, IReadOnlyList<object> partResults) =>
        Split is { } split
            ? split.Merge((TConfig)whole, partResults.Cast<TResult>().ToList())
            : base.MergeParts(whole, partResults);
}
