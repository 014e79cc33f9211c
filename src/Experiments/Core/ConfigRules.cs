using System.Globalization;
using System.Text.Json;

namespace Homework.Experiments.Core;

/// <summary>
/// One rule a config breaks: the field as <c>--set</c> names it (<c>seeds</c>, <c>nets[1].widths</c>),
/// its value as JSON, and what the field allows. Printed as one line, so the user can fix the
/// override without reading code.
/// </summary>
public sealed record ConfigProblem(string Field, string Value, string Allowed)
{
    public override string ToString() => $"{Field} is {Value}, but it must be {Allowed}";
}

/// <summary>
/// A config record of an experiment. It can say what is wrong with it before anything
/// trains: an empty seed list, a learning rate of 0 or NaN, a negative epoch count, a
/// subset larger than MNIST. Without this, such values surfaced as a stack trace from deep
/// inside a run (<c>PCA needs at least two vectors</c>, an overflow inside LibTorch) or only
/// after LibTorch had loaded and progress lines had claimed success.
/// </summary>
public interface IExperimentConfig
{
    /// <summary>The seeds the run trains; every claim's verdict is a majority over them.</summary>
    int[] Seeds { get; }

    /// <summary>Every rule the config breaks; empty when it can run.</summary>
    IReadOnlyList<ConfigProblem> Validate();

    /// <summary>
    /// About how long a run of this config takes, in seconds, on the project's 2-core machines at
    /// the default <c>--jobs</c>: a cost model of the config (trainings x steps x a per-step cost
    /// fitted to the measured full and quick runs), not a promise. A sharded run
    /// (<c>run --shard i/n</c>) balances its shards by it, so only the ratios between experiments
    /// need to be about right; it is a method, not a property, so that it never enters
    /// <c>config.json</c> or a run's identity.
    /// </summary>
    double EstimatedSeconds();
}

/// <summary>
/// Builds the list of <see cref="ConfigProblem"/>s of a config, one rule per call, with the
/// field named the way <c>--set</c> names it (camelCase, from the C# name via <c>nameof</c>, so
/// a renamed property cannot leave a stale name in an error message).
/// </summary>
public sealed class ConfigRules
{
    /// <summary>
    /// The largest learning rate accepted. An Adam step moves every weight by about the
    /// learning rate, so the experiments' nets diverge long before this; beyond float32's range
    /// (1e300 was tried) LibTorch failed with an overflow error instead of a diverged loss.
    /// </summary>
    public const double MaxLearningRate = 10;

    /// <summary>Training images in MNIST.</summary>
    public const int MnistTrainImages = 60_000;

    /// <summary>Test images in MNIST.</summary>
    public const int MnistTestImages = 10_000;

    private readonly List<ConfigProblem> problems = [];

    public IReadOnlyList<ConfigProblem> Problems => problems;

    /// <summary>The <c>--set</c> key of a property: its C# name in camelCase, as the config's JSON names it.</summary>
    public static string Key(string propertyName) => JsonNamingPolicy.CamelCase.ConvertName(propertyName);

    /// <summary>The key of a field of the <paramref name="index"/>th item of a list: <c>nets[1].widths</c>.</summary>
    public static string Key(string listProperty, int index, string itemProperty) => $"{Key(listProperty)}[{index}].{Key(itemProperty)}";

    /// <summary>Adds a problem when <paramref name="ok"/> is false.</summary>
    public ConfigRules That(bool ok, string field, object? value, string allowed)
    {
        if (!ok) problems.Add(new ConfigProblem(Key(field), Show(value), allowed));
        return this;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public ConfigRules Count(string field, int value, int min = 1, int max = int.MaxValue) =>
        That(value >= min && value <= max, field, value, Range(min, max));

    /// <summary>Null (meaning <paramref name="whenNull"/>) or a whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public ConfigRules Count(string field, int? value, int min, int max, string whenNull) =>
        That(value is null || (value >= min && value <= max), field, value, $"null ({whenNull}) or {Range(min, max)}");

    /// <summary>A learning rate: finite, above 0 and at most <see cref="MaxLearningRate"/>.</summary>
    public ConfigRules LearningRate(string field, double value) =>
        That(double.IsFinite(value) && value > 0 && value <= MaxLearningRate, field, value,
            $"a number above 0 and at most {MaxLearningRate.ToString(CultureInfo.InvariantCulture)} (the report's is 0.001)");

    /// <summary>A finite number.</summary>
    public ConfigRules Finite(string field, double value) => That(double.IsFinite(value), field, value, "a finite number");

    /// <summary>A number above <paramref name="above"/> and at most <paramref name="atMost"/>.</summary>
    public ConfigRules Between(string field, double value, double above, double atMost) =>
        That(double.IsFinite(value) && value > above && value <= atMost, field, value,
            $"a number above {above.ToString(CultureInfo.InvariantCulture)} and at most {atMost.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The run's seeds: at least one, none twice (a claim's verdict is a majority over them).</summary>
    public ConfigRules Seeds(string field, int[] seeds) =>
        That(seeds.Length > 0 && seeds.Distinct().Count() == seeds.Length, field, seeds, "a list of at least one seed, none twice, e.g. [0,1,2]");

    /// <summary>A list with at least one item and no item twice (by <paramref name="key"/>, or by value).</summary>
    public ConfigRules Distinct<T, TKey>(string field, IReadOnlyCollection<T> items, Func<T, TKey> key, string what) =>
        That(items.Count > 0 && items.Select(key).Distinct().Count() == items.Count, field, items, $"a list of at least one {what}, none twice");

    /// <summary>A list of whole numbers, each from <paramref name="min"/> to <paramref name="max"/>, at least one, none twice.</summary>
    public ConfigRules Counts(string field, int[] values, int min, int max, string what) =>
        That(values.Length > 0 && values.Distinct().Count() == values.Length && values.All(v => v >= min && v <= max), field, values,
            $"a list of at least one {what}, none twice, each {Range(min, max)}");

    /// <summary>A value of the enum (a number outside it also parses from JSON).</summary>
    public ConfigRules Defined<TEnum>(string field, TEnum value) where TEnum : struct, Enum =>
        That(Enum.IsDefined(value), field, value, $"one of {Names<TEnum>()}");

    /// <summary>Null (the preset's choice, named by <paramref name="whenNull"/>) or a value of the enum.</summary>
    public ConfigRules Defined<TEnum>(string field, TEnum? value, string whenNull) where TEnum : struct, Enum =>
        That(value is not { } v || Enum.IsDefined(v), field, value, $"null ({whenNull}) or one of {Names<TEnum>()}");

    /// <summary>Values of the enum, at least one, none twice.</summary>
    public ConfigRules Defined<TEnum>(string field, TEnum[] values) where TEnum : struct, Enum =>
        That(values.Length > 0 && values.Distinct().Count() == values.Length && values.All(v => Enum.IsDefined(v)), field, values,
            $"a list of at least one of {Names<TEnum>()}, none twice");

    /// <summary>
    /// Layer widths of a fully connected net: input <paramref name="input"/> first, output
    /// <paramref name="output"/> last, every width at least 1 (the data fix the two ends).
    /// </summary>
    public ConfigRules Widths(string field, int[] widths, int input, int output) =>
        That(widths.Length >= 2 && widths[0] == input && widths[^1] == output && widths.All(w => w >= 1), field, widths,
            $"a list of layer widths from the input's {input} to the output's {output}, each at least 1, e.g. [{input},64,{output}]");

    /// <summary>Non-empty text.</summary>
    public ConfigRules Text(string field, string? value) => That(!string.IsNullOrWhiteSpace(value), field, value, "a non-empty name");

    /// <summary>Adds every problem of a nested item.</summary>
    public ConfigRules Include(IEnumerable<ConfigProblem> nested)
    {
        problems.AddRange(nested);
        return this;
    }

    private static string Range(int min, int max) => max == int.MaxValue
        ? string.Format(CultureInfo.InvariantCulture, "a whole number of at least {0:N0}", min)
        : string.Format(CultureInfo.InvariantCulture, "a whole number from {0:N0} to {1:N0}", min, max);

    private static string Names<TEnum>() where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetValues<TEnum>().Select(v => Json.Compact(v).Trim('"')));

    private static string Show(object? value) => value switch
    {
        string text => $"'{text}'",
        double number => number.ToString("R", CultureInfo.InvariantCulture), // NaN, not the JSON "NaN"
        _ => Json.Compact(value),
    };
}

/// <summary>Turns a config's problems into the one-line usage error the command line prints.</summary>
public static class ConfigValidation
{
    /// <summary>Throws a <see cref="UsageException"/> naming every broken rule, or returns when there is none.</summary>
    public static void ThrowIfInvalid(IExperimentConfig config, string experiment, Profile profile)
    {
        var problems = config.Validate();
        if (problems.Count == 0) return;
        throw new UsageException(
            $"Invalid config for {experiment} ({profile.Slug()} profile): {string.Join("; ", problems)}. " +
            "Change the --set value; nothing was run.");
    }
}
