using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

/// <summary>A golden file on one side of a diff only: a claim or profile added or removed.</summary>
public sealed record GoldenFileEntry(string Profile, string Claim, GoldenRecord Record);

/// <summary>
/// A golden file on both sides with what changed in it: the claim's fields (verdict and k/n
/// included) and its metrics, as <see cref="GoldenComparer"/> compares them, old values on
/// the golden side.
/// </summary>
public sealed record GoldenFileChange(
    string Profile,
    string Claim,
    GoldenRecord Old,
    GoldenRecord New,
    IReadOnlyList<ComparisonRow> Fields,
    IReadOnlyList<ComparisonRow> Metrics)
{
    public bool VerdictFlipped => Old.Verdict != New.Verdict;
}

/// <summary>
/// What changed in the golden files between two revisions (or between the received files
/// and their verified ones), so a reviewer sees which claims flipped and which numbers
/// moved by how much, and whether by more than their tolerance, without opening JSON.
/// Golden files are keyed <c>&lt;profile&gt;/&lt;claim id&gt;</c>, their path below
/// <c>tests/Reproduction/Golden</c> without the suffix. Summaries are not compared, as in the tests.
/// </summary>
public sealed record GoldenDiff(
    string Against,
    IReadOnlyList<GoldenFileChange> Changed,
    IReadOnlyList<GoldenFileEntry> Added,
    IReadOnlyList<GoldenFileEntry> Removed)
{
    public bool IsEmpty => Changed.Count == 0 && Added.Count == 0 && Removed.Count == 0;

    /// <summary>
    /// Compares two sets of golden records. A value counts as changed when its written form
    /// changed, as a line diff of the file would show it; each change is judged with the
    /// tolerances the claim declares now (<paramref name="tolerances"/>, by claim id; a claim
    /// that is not there has none).
    /// </summary>
    public static GoldenDiff Compare(
        string against,
        IReadOnlyDictionary<string, GoldenRecord> before,
        IReadOnlyDictionary<string, GoldenRecord> after,
        IReadOnlyDictionary<string, IReadOnlyList<ToleranceRule>> tolerances)
    {
        var changed = new List<GoldenFileChange>();
        foreach (string key in before.Keys.Intersect(after.Keys).Order(StringComparer.Ordinal))
        {
            var (profile, claim) = Split(key);
            var (old, @new) = (before[key], after[key]);
            var rules = tolerances.GetValueOrDefault(claim) ?? [];
            bool flipped = old.Verdict != @new.Verdict;
            var fields = GoldenComparer.CompareFields(old, @new)
                .Where(Differs)
                .Where(r => !flipped || r.Name is not (GoldenComparer.VerdictField or GoldenComparer.HoldsField))
                .ToList();
            var metrics = GoldenComparer.CompareMetrics(old, @new, rules).Where(Differs).ToList();
            if (flipped || fields.Count > 0 || metrics.Count > 0)
                changed.Add(new GoldenFileChange(profile, claim, old, @new, fields, metrics));
        }
        return new GoldenDiff(against, changed, OnlyIn(after, before), OnlyIn(before, after));
    }

    /// <summary>The verified golden files of the working tree under <paramref name="root"/> against those at a git revision (default: <see cref="GitRepository.DefaultBase"/>).</summary>
    public static GoldenDiff AgainstRevision(string root, string? revision, IReadOnlyDictionary<string, IReadOnlyList<ToleranceRule>> tolerances)
    {
        var git = GitRepository.Open(root);
        var @base = revision is null ? git.DefaultBase() : git.Resolve(revision);
        string folder = ProjectPaths.GoldenFolder + "/";
        var before = new Dictionary<string, GoldenRecord>(StringComparer.Ordinal);
        foreach (string path in git.ListFiles(@base, ProjectPaths.GoldenFolder))
        {
            if (!path.StartsWith(folder, StringComparison.Ordinal) || !path.EndsWith(GoldenStore.VerifiedSuffix, StringComparison.Ordinal)) continue;
            before[path[folder.Length..^GoldenStore.VerifiedSuffix.Length]] =
                GoldenStore.Parse(git.Show(@base, path), $"{path} at {@base}", "Compare against another revision with --base.");
        }

        var store = new GoldenStore(Path.Combine(root, ProjectPaths.GoldenFolder));
        var after = store.VerifiedClaimIds().ToDictionary(key => key, key => GoldenStore.Read(store.VerifiedPath(key)), StringComparer.Ordinal);
        return Compare(@base.ToString(), before, after, tolerances);
    }

    /// <summary>
    /// The received golden files under <paramref name="root"/> against the verified files beside
    /// them: the table to read before accepting. A received file without a verified one is added.
    /// </summary>
    public static GoldenDiff OfReceived(string root, IReadOnlyDictionary<string, IReadOnlyList<ToleranceRule>> tolerances)
    {
        var store = new GoldenStore(Path.Combine(root, ProjectPaths.GoldenFolder));
        var received = store.ReceivedClaimIds().ToList();
        var after = received.ToDictionary(key => key, key => GoldenStore.Read(store.ReceivedPath(key)), StringComparer.Ordinal);
        var before = received.Where(key => File.Exists(store.VerifiedPath(key)))
            .ToDictionary(key => key, key => GoldenStore.Read(store.VerifiedPath(key)), StringComparer.Ordinal);
        return Compare("the verified files (received files beside them)", before, after, tolerances);
    }

    /// <summary>The review table in Markdown; one line when nothing changed.</summary>
    public string ToMarkdown() => GoldenDiffMarkdown.Render(this);

    private static bool Differs(ComparisonRow row) => !string.Equals(row.Golden, row.Actual, StringComparison.Ordinal);

    private static List<GoldenFileEntry> OnlyIn(IReadOnlyDictionary<string, GoldenRecord> side, IReadOnlyDictionary<string, GoldenRecord> other) =>
        side.Keys.Where(key => !other.ContainsKey(key)).Order(StringComparer.Ordinal).Select(key =>
        {
            var (profile, claim) = Split(key);
            return new GoldenFileEntry(profile, claim, side[key]);
        }).ToList();

    private static (string Profile, string Claim) Split(string key)
    {
        int slash = key.IndexOf('/');
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
