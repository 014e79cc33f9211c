using Homework.Experiments.Claims;
using Homework.Experiments.Core;

namespace Homework.Experiments.Golden;

public enum GoldenStatus
{
    Match,
    Mismatch,
    Missing,
    Malformed,
}

/// <summary>The result of checking one claim against its golden file, with a message that says what to do.</summary>
public sealed record GoldenCheck(GoldenStatus Status, string VerifiedPath, GoldenComparison? Comparison, string Message)
{
    public bool Ok => Status == GoldenStatus.Match;
}

/// <summary>
/// Golden files the way Verify keeps snapshots: <c>&lt;claim&gt;.verified.json</c> is committed
/// beside the tests; a run that does not match writes <c>&lt;claim&gt;.received.json</c> next
/// to it (git-ignored) and fails; accepting renames received to verified. Nothing here
/// ever writes a verified file except <see cref="AcceptAll"/>, which refuses to run when
/// <c>CI=true</c>. A match removes a stale received file and leaves the verified one
/// untouched, so values that move within tolerance do not churn the diff.
/// </summary>
public sealed class GoldenStore(string directory)
{
    public const string VerifiedSuffix = ".verified.json";
    public const string ReceivedSuffix = ".received.json";

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>True when the CI environment variable says so (CI=true or CI=1), as on GitHub Actions.</summary>
    public static bool IsCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    public string VerifiedPath(string claimId) => PathFor(claimId, VerifiedSuffix);

    public string ReceivedPath(string claimId) => PathFor(claimId, ReceivedSuffix);

    /// <summary>
    /// Compares <paramref name="actual"/> with the verified file of its claim, strictly when both
    /// carry the same numerics fingerprint and portably otherwise (see <see cref="GoldenComparer"/>).
    /// </summary>
    public GoldenCheck Check(GoldenRecord actual)
    {
        string verified = VerifiedPath(actual.Claim);
        string received = ReceivedPath(actual.Claim);
        string accept = "Review it, then accept it with `./build.sh --target=AcceptSnapshots` " +
                        "(or `dotnet run --project src/Experiments -- accept`) and commit the verified file.";

        if (!File.Exists(verified))
        {
            Json.Write(received, actual);
            string ci = IsCi ? " CI never writes verified files: run the tests locally." : "";
            return new GoldenCheck(GoldenStatus.Missing, verified, null,
                $"Claim {actual.Claim} has no golden file for the {actual.Profile} profile ({verified}).{ci} " +
                $"This run's values ({actual.HoldsText}, verdict: {actual.VerdictWords}) are in {received}. {accept}");
        }

        GoldenRecord golden;
        try
        {
            golden = Read(verified);
        }
        catch (HomeworkException e)
        {
            Json.Write(received, actual);
            return new GoldenCheck(GoldenStatus.Malformed, verified, null,
                $"{e.Message} This run's values are in {received}; fix the golden file or accept the received one.");
        }

        var comparison = GoldenComparer.Compare(golden, actual);
        if (comparison.Ok)
        {
            if (File.Exists(received)) File.Delete(received);
            return new GoldenCheck(GoldenStatus.Match, verified, comparison, $"Claim {actual.Claim} matches {verified}.");
        }

        Json.Write(received, actual);
        return new GoldenCheck(GoldenStatus.Mismatch, verified, comparison,
            $"Claim {actual.Claim} ({actual.Profile} profile) does not match its golden file {verified}.\n\n" +
            comparison.FormatFailures() +
            $"\nThis run's values are in {received}. If the change is intended: {accept}");
    }

    /// <summary>Reads a verified or received file; a malformed one gives an error naming the file.</summary>
    public static GoldenRecord Read(string path) => Validate(Json.Read<GoldenRecord>(path), path);

    /// <summary>
    /// Parses golden-file text that is not a file of this checkout, such as a golden file at a
    /// past git revision; <paramref name="source"/> names it in errors, <paramref name="fix"/> says what to do.
    /// </summary>
    public static GoldenRecord Parse(string json, string source, string fix) => Validate(Json.Deserialize<GoldenRecord>(json, source, fix), source);

    private static GoldenRecord Validate(GoldenRecord record, string source)
    {
        if (string.IsNullOrWhiteSpace(record.Claim) || record.Seeds < 0 || record.Holds < 0 || record.Holds > record.Seeds)
            throw new HomeworkException($"{source}: malformed golden file (claim '{record.Claim}', holds {record.Holds} of {record.Seeds} seeds).");
        return record;
    }

    /// <summary>Every verified file under this store's directory.</summary>
    public IEnumerable<string> VerifiedFiles() => Files(VerifiedSuffix);

    /// <summary>Claim ids of the verified files in this store.</summary>
    public IEnumerable<string> VerifiedClaimIds() => ClaimIds(VerifiedSuffix);

    /// <summary>Claim ids of the received files in this store: the runs that did not match, waiting for review.</summary>
    public IEnumerable<string> ReceivedClaimIds() => ClaimIds(ReceivedSuffix);

    private IEnumerable<string> Files(string suffix) =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory, "*" + suffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    private IEnumerable<string> ClaimIds(string suffix) =>
        Files(suffix).Select(f => Path.GetRelativePath(Directory, f)[..^suffix.Length].Replace(Path.DirectorySeparatorChar, '/'));

    /// <summary>Verified files whose claim is not in <paramref name="claimIds"/>: golden data no test uses.</summary>
    public IReadOnlyList<string> Orphans(IEnumerable<string> claimIds)
    {
        var known = claimIds.ToHashSet(StringComparer.Ordinal);
        return VerifiedClaimIds().Where(id => !known.Contains(id)).Select(VerifiedPath).ToList();
    }

    /// <summary>
    /// Renames every <c>*.received.json</c> under <paramref name="root"/> to <c>*.verified.json</c>;
    /// returns the accepted verified paths. Refuses under CI, where nothing may write golden files.
    /// </summary>
    public static IReadOnlyList<string> AcceptAll(string root)
    {
        if (IsCi)
            throw new HomeworkException("Refusing to accept snapshots with CI=true: golden files are accepted by a person, locally, and committed.");
        if (!System.IO.Directory.Exists(root)) return [];
        var accepted = new List<string>();
        foreach (string received in System.IO.Directory.EnumerateFiles(root, "*" + ReceivedSuffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList())
        {
            Read(received); // refuse to accept a malformed file
            string verified = received[..^ReceivedSuffix.Length] + VerifiedSuffix;
            File.Move(received, verified, overwrite: true);
            accepted.Add(verified);
        }
        return accepted;
    }

    private string PathFor(string claimId, string suffix)
    {
        if (string.IsNullOrWhiteSpace(claimId) || claimId.Contains("..") || Path.IsPathRooted(claimId))
            throw new ArgumentException($"Not a valid claim id: '{claimId}'.", nameof(claimId));
        return Path.Combine(Directory, claimId.Replace('/', Path.DirectorySeparatorChar) + suffix);
    }
}
