using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

/// <summary>How a run is compared with its golden file.</summary>
public enum Regime
{
    /// <summary>
    /// Same numerics fingerprint as the golden file: every value bit for bit. The same code,
    /// config and seed take the same path through every kernel there, so any difference is a
    /// change of code, data or determinism.
    /// </summary>
    Strict,

    /// <summary>
    /// Another fingerprint (another CPU, kernel setting or library version): the claim (its
    /// words, verdict and k/n) and the values that do not depend on the trajectory exactly; a
    /// metric measured per seed through its median over seeds, which must fall in the
    /// <see cref="SeedBand"/> of the golden seeds; single seeds' values are shown, as seed noise.
    /// </summary>
    Portable,
}

/// <summary>The regime a comparison used, and why (for messages, tables and the golden diff).</summary>
public sealed record ComparisonRegime(Regime Regime, string Reason)
{
    /// <summary>Overrides the choice: <c>strict</c>, <c>portable</c> or <c>auto</c> (the default).</summary>
    public const string Variable = "HOMEWORK_GOLDEN_REGIME";

    /// <summary>
    /// Strict when both sides carry the same fingerprint, else portable; <c>HOMEWORK_GOLDEN_REGIME</c>
    /// forces one (portable to check what another machine would see; strict to see every bit that moved).
    /// </summary>
    public static ComparisonRegime Choose(Numerics? golden, Numerics? actual)
    {
        switch (Environment.GetEnvironmentVariable(Variable)?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                break;
            case "strict":
                return new(Regime.Strict, $"strict, as {Variable}=strict asks");
            case "portable":
                return new(Regime.Portable, $"portable, as {Variable}=portable asks");
            case var other:
                throw new UsageException($"{Variable}={other} is not a valid setting: use auto (the default), strict or portable.");
        }

        if (golden is null)
            return new(Regime.Portable, "portable: the golden file records no numerics fingerprint");
        if (actual is null)
            return new(Regime.Portable, "portable: this run records no numerics fingerprint");
        var differences = golden.Differences(actual);
        return differences.Count == 0
            ? new(Regime.Strict, $"strict: same numerics fingerprint as the golden file ({golden.Id})")
            : new(Regime.Portable, $"portable: numerics fingerprint {actual.Id} differs from the golden file's {golden.Id} ({string.Join("; ", differences)})");
    }
}
