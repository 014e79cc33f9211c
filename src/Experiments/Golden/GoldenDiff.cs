using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

/// <summary>A golden file on one side of a diff only: a claim or profile added or removed.</summary>
public sealed record GoldenFileEntry(string Profile, string Claim, GoldenRecord Record);

/// <summary>
/// A golden file on both sides with what changed in it, old values on the golden side: the
/// claim's fields (verdict and k/n included) and its metrics. Metrics are grouped the way the
/// portable regime judges them whatever the fingerprints, because that is what a reviewer
/// asks of a moved number: a metric shared by all seeds, a per-seed metric's median over
/// seeds against the old seeds' band, and single seeds' values (seed noise or beyond the old
/// seeds' span). <see cref="FingerprintChanged"/> says whether the two sides came from
/// different floating-point paths, where moved numbers are expected.
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

    /// <summary>True when the two sides record different numerics fingerprints (or one records none).</summary>
    public bool FingerprintChanged => Old.Numerics?.Id != New.Numerics?.Id;

    /// <summary>Changes a reviewer must account for: medians outside the old seeds' band, and exact values that moved.</summary>
    public IEnumerable<ComparisonRow> OutsideBand => Metrics.Where(r => !r.Ok);

    /// <summary>Medians over seeds that moved but stayed within the old seeds' band.</summary>
    public IEnumerable<ComparisonRow> WithinBand => Metrics.Where(r => r.Ok && r.Kind != RowKind.Seed);

    /// <summary>Single seeds' values that moved.</summary>
    public IEnumerable<ComparisonRow> SeedValues => Metrics.Where(r => r.Kind == RowKind.Seed);
}

/// <summary>
/// What changed in the golden files between two revisions (or between the received files
/// and their verified ones), so a reviewer sees which claims flipped, which numbers moved
/// beyond what the seeds themselves span and which only by seed noise, and on which
/// floating-point paths, without opening JSON. Golden files are keyed
/// <c>&lt;profile&gt;/&lt;claim id&gt;</c>, their path below <c>tests/Reproduction/Golden</c>
/// without the suffix. Summaries are not compared, as in the tests.
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
    /// changed, as a line diff of the file would show it; a per-seed metric also counts when its
    /// median over seeds changed, and is judged against the old seeds' band.
    /// </summary>
    public static GoldenDiff Compare(
        string against,
        IReadOnlyDictionary<string, GoldenRecord> before,
        IReadOnlyDictionary<string, GoldenRecord> after)
    {
        var changed = new List<GoldenFileChange>();
        foreach (string key in before.Keys.Intersect(after.Keys).Order(StringComparer.Ordinal))
        {
            var (profile, claim) = Split(key);
            var (old, @new) = (before[key], after[key]);
            bool flipped = old.Verdict != @new.Verdict;
            var fields = GoldenComparer.CompareFields(old, @new)
                .Where(Differs)
                .Where(r => !flipped || r.Name is not (GoldenComparer.VerdictField or GoldenComparer.HoldsField))
                .ToList();
            var metrics = GoldenComparer.CompareMetrics(old, @new, Regime.Portable).Where(Differs).ToList();
            if (flipped || fields.Count > 0 || metrics.Count > 0 || old.Numerics?.Id != @new.Numerics?.Id)
                changed.Add(new GoldenFileChange(profile, claim, old, @new, fields, metrics));
        }
        return new GoldenDiff(against, changed, OnlyIn(after, before), OnlyIn(before, after));
    }

    /// <summary>The verified golden files of the working tree under <paramref name="root"/> against those at a git revision (default: <see cref="GitRepository.DefaultBase"/>).</summary>
    public static GoldenDiff AgainstRevision(string root, string? revision)
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
        return Compare(@base.ToString(), before, after);
    }

    /// <summary>
    /// The received golden files under <paramref name="root"/> against the verified files beside
    /// them: the table to read before accepting. A received file without a verified one is added.
    /// </summary>
    public static GoldenDiff OfReceived(string root)
    {
        var store = new GoldenStore(Path.Combine(root, ProjectPaths.GoldenFolder));
        var received = store.ReceivedClaimIds().ToList();
        var after = received.ToDictionary(key => key, key => GoldenStore.Read(store.ReceivedPath(key)), StringComparer.Ordinal);
        var before = received.Where(key => File.Exists(store.VerifiedPath(key)))
            .ToDictionary(key => key, key => GoldenStore.Read(store.VerifiedPath(key)), StringComparer.Ordinal);
        return Compare("the verified files (received files beside them)", before, after);
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

    /// <summary>
    /// The profile column and the claim id of a golden file's key: <c>quick/1-1/all/converge</c>, or for
    /// a variant <c>variants/quick/function-fitting/minibatch-128/1-1/all/converge</c>, shown as the
    /// profile "quick, variant minibatch-128".
    /// </summary>
    private static (string Profile, string Claim) Split(string key)
    {
        var parts = key.Split('/');
        if (parts.Length > 4 && parts[0] == ProjectPaths.VariantsFolder)
            return ($"{parts[1]}, variant {parts[3]}", string.Join('/', parts[4..]));
        int slash = key.IndexOf('/');
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
