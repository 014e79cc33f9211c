namespace Homework.Experiments.Core;

/// <summary>
/// The scale a reproduction runs at. Both profiles run the same code; only data sizes,
/// epochs and the number of seeds differ.
/// </summary>
public enum Profile
{
    /// <summary>What <c>dotnet test</c> runs: small enough for CI, large enough to decide the claims.</summary>
    Quick,

    /// <summary>The report's scale and schedules (real MNIST 60,000/10,000, the report's epochs).</summary>
    Full,
}

public static class Profiles
{
    public static IReadOnlyList<Profile> All { get; } = Enum.GetValues<Profile>();

    /// <summary>The lower-case name used in paths and on the command line.</summary>
    public static string Slug(this Profile profile) => profile.ToString().ToLowerInvariant();

    /// <summary>Parses <c>quick</c> or <c>full</c> (any case); the error lists the valid values.</summary>
    public static Profile Parse(string? text)
    {
        foreach (var profile in All)
            if (string.Equals(profile.Slug(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
                return profile;
        throw new UsageException($"Unknown profile '{text}'. Valid profiles: {string.Join(", ", All.Select(Slug))}.");
    }
}
