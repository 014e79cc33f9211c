namespace Homework.Experiments.Core;

/// <summary>
/// How an experiment divides its work for a sharded run (<c>run --shard i/n</c>, see
/// <c>Sharding/</c>) and how the parts' results become the result one unsharded run gives. An
/// experiment declares one next to its config record only where both hold: every part is an
/// ordinary config of the same experiment, trained by the same <c>Run</c> (so a part is checked
/// and saved like any run), and the merged result is, byte for byte, the result of running the
/// whole config at once. The shard-and-merge tests (<c>tests/Unit/Sharding</c>) check the second
/// against a real run, so a change of <c>Run</c> that breaks it fails there, not in the golden files.
/// </summary>
/// <param name="by">What a part is, for plans and messages ("net").</param>
/// <param name="parts">
/// The parts of a config, each with a key that names it among the parts (used in unit names,
/// <c>mnist-cnn/cnn-1</c>, and as a folder name). Fewer than two parts means the config is not
/// split: the experiment is then one unit.
/// </param>
/// <param name="merge">
/// The whole config's result from its parts' results, which come in the order of
/// <paramref name="parts"/>; it must order everything as the unsharded <c>Run</c> does.
/// </param>
public sealed class ExperimentSplit<TConfig, TResult>(
    string by,
    Func<TConfig, IReadOnlyList<(string Key, TConfig Config)>> parts,
    Func<TConfig, IReadOnlyList<TResult>, TResult> merge)
{
    /// <summary>What a part is, for plans and messages ("net").</summary>
    public string By { get; } = by;

    /// <summary>The parts of <paramref name="config"/>, keyed; fewer than two: not split.</summary>
    public IReadOnlyList<(string Key, TConfig Config)> Parts(TConfig config) => parts(config);

    /// <summary>The result of <paramref name="whole"/> from its parts' results, in the order of <see cref="Parts"/>.</summary>
    public TResult Merge(TConfig whole, IReadOnlyList<TResult> partResults) => merge(whole, partResults);
}
