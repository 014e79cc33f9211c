using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

/// <summary>
/// What <c>accept</c> checks in each received file besides its form, before it accepts any:
/// that the file belongs to a claim of the catalog as the code states it now, and judges as many
/// seeds as the profile's preset runs. A received file written from another run (an override
/// run of an older harness, a run with no seeds) or by older code is refused, so accepting can
/// only ever turn a preset run's values into golden files.
/// </summary>
public static class ReceivedFiles
{
    /// <summary>What is wrong with <paramref name="record"/> as a golden file of the catalog, or null.</summary>
    public static string? AgainstCatalog(string file, GoldenRecord record)
    {
        var claim = Catalog.Claims.FirstOrDefault(c => c.Id == record.Claim);
        if (claim is null) return $"there is no claim '{record.Claim}' (see `list`)";
        if (!Profiles.All.Any(p => p.Slug() == record.Profile))
            return $"its profile '{record.Profile}' is not one of {string.Join(", ", Profiles.All.Select(p => p.Slug()))}";
        var profile = Profiles.Parse(record.Profile);
        if (record.Statement != claim.Statement || record.Criterion != claim.Criterion || !record.Figures.SequenceEqual(claim.Figures))
            return "it was written by another version of the claim (its statement, criterion or figures differ from the code's)";
        if (record.Variant is { } variant && !claim.Experiment.VariantList.Any(v => v.Name == variant))
            return $"{claim.Experiment.Name} has no variant '{variant}' (see `list`)";
        object config = record.Variant is null ? claim.Experiment.PresetOf(profile) : claim.Experiment.VariantConfig(profile, record.Variant);
        string run = record.Variant is null ? $"the {profile.Slug()} preset of {claim.Experiment.Name}" : $"variant {record.Variant} of {claim.Experiment.Name} at {profile.Slug()}";
        int seeds = ((IExperimentConfig)config).Seeds.Length;
        return record.Seeds == seeds
            ? null
            : $"it judges {record.Seeds} seed(s), but {run} runs {seeds}, so it did not come from that run";
    }
}
