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

    /// <summary>Matched with a verdict the golden file records for another floating-point path, not its own (<see cref="GoldenRecord.OtherPaths"/>).</summary>
    public bool OnAnotherPathsVerdict => Comparison?.Rows.Any(r => r.Rule == GoldenComparer.OtherPathVerdict) ?? false;
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
            golden = Read(verified, fix: "");
        }
        catch (HomeworkException e)
        {
            // Deleting a malformed golden file does not regenerate it (a missing one only fails);
            // what regenerates it is this run's received file, reviewed and accepted.
            Json.Write(received, actual);
            return new GoldenCheck(GoldenStatus.Malformed, verified, null,
                $"{e.Message.TrimEnd()} This run's values are in {received}: to regenerate the golden file from them, review them " +
                "(`dotnet run --project src/Experiments -- diff --received`) and accept them (`./build.sh --target=AcceptSnapshots` or `... -- accept`); " +
                $"or restore the committed file with `git checkout -- {verified}`.");
        }

        var comparison = GoldenComparer.Compare(golden, actual);
        if (comparison.Ok)
        {
            if (File.Exists(received)) File.Delete(received);
            string elsewhere = actual.Verdict == golden.Verdict ? ""
                : $" Its verdict, {actual.VerdictWords}, is one the golden file records for these seeds on another floating-point path (its own: {golden.VerdictWords}): the claim is not settled across paths.";
            return new GoldenCheck(GoldenStatus.Match, verified, comparison, $"Claim {actual.Claim} matches {verified}.{elsewhere}");
        }

        Json.Write(received, actual);
        return new GoldenCheck(GoldenStatus.Mismatch, verified, comparison,
            $"Claim {actual.Claim} ({actual.Profile} profile) does not match its golden file {verified}.\n\n" +
            comparison.FormatFailures() +
            $"\nThis run's values are in {received}. If the change is intended: {accept}");
    }

    /// <summary>
    /// Reads a verified or received file; a malformed one gives an error naming the file and
    /// ending with <paramref name="fix"/> (by default, how that kind of file is regenerated).
    /// </summary>
    public static GoldenRecord Read(string path, string? fix = null) => Validate(Json.Read<GoldenRecord>(path, fix ?? FixFor(path)), path);

    /// <summary>
    /// How a broken golden file is regenerated. A verified file is not regenerated by deleting it
    /// (then its test only fails as missing): its test writes a received file, which a person
    /// reviews and accepts. A received file is simply rewritten by running its test again.
    /// </summary>
    public static string FixFor(string path)
    {
        string test = ClaimIdOf(path) is { } id ? $"`dotnet test --filter claim={id}`" : "the claim's test";
        return path.EndsWith(ReceivedSuffix, StringComparison.Ordinal)
            ? $"Run {test} (or `dotnet run --project src/Experiments -- check`) to rewrite it, or delete it."
            : $"To regenerate it, run {test} (or `dotnet run --project src/Experiments -- check`), which writes a {ReceivedSuffix} file beside it; " +
              "review that (`dotnet run --project src/Experiments -- diff --received`) and accept it (`dotnet run --project src/Experiments -- accept`). " +
              $"Or restore the committed file: `git checkout -- {path}`.";
    }

    /// <summary>The claim id in a golden file's path (<c>.../quick/1-1/sign/x.verified.json</c> is <c>1-1/sign/x</c>), if it has one.</summary>
    private static string? ClaimIdOf(string path)
    {
        string[] parts = path.Replace('\\', '/').Split('/');
        int profile = Array.FindLastIndex(parts, p => Profiles.All.Any(x => x.Slug() == p));
        if (profile < 0 || profile == parts.Length - 1) return null;
        string id = string.Join('/', parts[(profile + 1)..]);
        foreach (string suffix in new[] { VerifiedSuffix, ReceivedSuffix })
            if (id.EndsWith(suffix, StringComparison.Ordinal)) return id[..^suffix.Length];
        return null;
    }

    /// <summary>
    /// Parses golden-file text that is not a file of this checkout, such as a golden file at a
    /// past git revision; <paramref name="source"/> names it in errors, <paramref name="fix"/> says what to do.
    /// </summary>
    public static GoldenRecord Parse(string json, string source, string fix) => Validate(Json.Deserialize<GoldenRecord>(json, source, fix), source);

    private static GoldenRecord Validate(GoldenRecord record, string source)
    {
        // A verdict over no seeds is no verdict: such a record came from a run that trained nothing.
        if (string.IsNullOrWhiteSpace(record.Claim) || record.Seeds < 1 || record.Holds < 0 || record.Holds > record.Seeds)
            throw new HomeworkException($"{source}: malformed golden file (claim '{record.Claim}', holds {record.Holds} of {record.Seeds} seeds; a record needs at least one seed).");
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

    /// <summary>Test seam: called before each received file is renamed, to simulate a failure in the middle of accepting (async-local).</summary>
    internal static Action<string>? BeforeAccepting
    {
        get => BeforeAcceptingHook.Value;
        set => BeforeAcceptingHook.Value = value;
    }

    private static readonly AsyncLocal<Action<string>?> BeforeAcceptingHook = new();

    /// <summary>
    /// Renames every <c>*.received.json</c> under <paramref name="root"/> to <c>*.verified.json</c>,
    /// all or nothing: every received file is read and checked first (it parses, its path is its
    /// claim and profile, and <paramref name="rule"/>, if given, finds nothing wrong), and if one
    /// is not valid nothing is renamed; if a rename fails midway, the ones done are undone.
    /// Returns the accepted verified paths. Refuses under CI, where nothing may write golden files.
    /// </summary>
    /// <param name="rule">Further checks of one received file; returns what is wrong, or null.</param>
    public static IReadOnlyList<string> AcceptAll(string root, Func<string, GoldenRecord, string?>? rule = null)
    {
        if (IsCi)
            throw new HomeworkException("Refusing to accept snapshots with CI=true: golden files are accepted by a person, locally, and committed.");
        if (!System.IO.Directory.Exists(root)) return [];
        var received = System.IO.Directory.EnumerateFiles(root, "*" + ReceivedSuffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        var problems = new List<string>();
        foreach (string file in received)
        {
            try
            {
                var record = Read(file);
                if ((PathProblem(root, file, record) ?? rule?.Invoke(file, record)) is { } problem)
                    problems.Add($"{file}: {problem}.");
            }
            catch (HomeworkException e)
            {
                problems.Add(e.Message);
            }
        }
        if (problems.Count > 0)
            throw new HomeworkException(
                $"Accepted nothing: {problems.Count} of {received.Count} received file(s) cannot be accepted. {string.Join(" ", problems)} " +
                "Rerun the claims' tests to rewrite them (or delete the bad ones), then accept again.");

        var done = new List<(string Received, string Verified, string? Backup)>();
        try
        {
            foreach (string file in received)
            {
                BeforeAccepting?.Invoke(file);
                string verified = file[..^ReceivedSuffix.Length] + VerifiedSuffix;
                string? backup = File.Exists(verified) ? $"{verified}.accept-backup-{Guid.NewGuid():N}" : null;
                done.Add((file, verified, backup));
                if (backup is not null) File.Move(verified, backup);
                File.Move(file, verified);
            }
        }
        catch
        {
            foreach (var (file, verified, backup) in Enumerable.Reverse(done))
            {
                if (!File.Exists(file) && File.Exists(verified)) File.Move(verified, file);
                if (backup is not null && File.Exists(backup)) File.Move(backup, verified, overwrite: true);
            }
            throw;
        }
        foreach (var (_, _, backup) in done)
            if (backup is not null) File.Delete(backup);
        return done.Select(d => d.Verified).ToList();
    }

    /// <summary>
    /// Records, in each verified file beside a <c>*.received.json</c> under <paramref name="root"/>,
    /// the received run's verdict as one reached on another floating-point path
    /// (<see cref="GoldenRecord.OtherPaths"/>), and removes the received file; everything else in
    /// the verified file stays as it is. All or nothing: each received file must differ from its
    /// verified file only in the verdict, compared in the portable regime (another fingerprint), its
    /// seed bands and batch order matching; the two verdicts must be neighbours (one of them
    /// <see cref="Verdict.Inconclusive"/>: an interval that moved across the threshold's edge, not
    /// a claim turned round); and that fingerprint must not be recorded yet. Refuses under CI.
    /// Returns the verified paths written.
    /// </summary>
    public static IReadOnlyList<string> RecordOtherPathVerdicts(string root)
    {
        if (IsCi)
            throw new HomeworkException("Refusing to record verdicts with CI=true: golden files are changed by a person, locally, and committed.");
        if (!System.IO.Directory.Exists(root)) return [];
        var received = System.IO.Directory.EnumerateFiles(root, "*" + ReceivedSuffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var problems = new List<string>();
        var updates = new List<(string Received, string Verified, string OldText, GoldenRecord Updated)>();
        foreach (string file in received)
        {
            try
            {
                string verified = file[..^ReceivedSuffix.Length] + VerifiedSuffix;
                if (!File.Exists(verified)) { problems.Add($"{file}: it has no verified file beside it to record a verdict in."); continue; }
                var (golden, actual) = (Read(verified), Read(file));
                if (OtherPathProblem(golden, actual) is { } problem) { problems.Add($"{file}: {problem}."); continue; }
                var paths = (golden.OtherPaths ?? []).Append(new PathVerdict(actual.Verdict, actual.Numerics!))
                    .OrderBy(p => p.Verdict).ThenBy(p => p.Numerics.Id, StringComparer.Ordinal).ToArray();
                updates.Add((file, verified, File.ReadAllText(verified), golden with { OtherPaths = paths }));
            }
            catch (HomeworkException e)
            {
                problems.Add(e.Message);
            }
        }
        if (problems.Count > 0)
            throw new HomeworkException(
                $"Recorded nothing: {problems.Count} of {received.Count} received file(s) cannot be recorded as another path's verdict. {string.Join(" ", problems)} " +
                "Only a verdict that alone differs, on another fingerprint, can be recorded; anything else is reviewed and accepted (`... -- accept`) or fixed.");

        var done = new List<(string Verified, string OldText)>();
        try
        {
            foreach (var (_, verified, oldText, updated) in updates)
            {
                BeforeAccepting?.Invoke(verified);
                done.Add((verified, oldText));
                Json.Write(verified, updated);
            }
        }
        catch
        {
            foreach (var (verified, oldText) in Enumerable.Reverse(done)) AtomicFile.WriteAllText(verified, oldText);
            throw;
        }
        foreach (var update in updates) File.Delete(update.Received);
        return updates.Select(u => u.Verified).ToList();
    }

    /// <summary>Why <paramref name="actual"/>'s verdict cannot be recorded in <paramref name="golden"/> as another path's, or null.</summary>
    public static string? OtherPathProblem(GoldenRecord golden, GoldenRecord actual)
    {
        if (actual.Numerics is null || golden.Numerics is null || actual.Numerics.Id == golden.Numerics.Id)
            return "both files must carry numerics fingerprints, and different ones: a verdict of the accepting path itself is accepted, not recorded";
        if (golden.Claim != actual.Claim || golden.Profile != actual.Profile || golden.Variant != actual.Variant)
            return "it is another claim, profile or variant than its verified file's";
        if (golden.Verdict == actual.Verdict)
            return $"its verdict ({actual.VerdictWords}) is the golden one";
        if (golden.Verdict == Verdict.PremiseAbsent || actual.Verdict == Verdict.PremiseAbsent)
            return $"{golden.VerdictWords} against {actual.VerdictWords}: whether the premise occurs is not an interval at a threshold's edge";
        if (golden.Verdict != Verdict.Inconclusive && actual.Verdict != Verdict.Inconclusive)
            return $"{golden.VerdictWords} against {actual.VerdictWords} is a claim turned round, not an interval at the threshold's edge";
        if ((golden.OtherPaths ?? []).Any(p => p.Numerics.Id == actual.Numerics.Id))
            return $"a verdict of fingerprint {actual.Numerics.Id} is recorded already";
        var comparison = GoldenComparer.Compare(golden, actual, new ComparisonRegime(Regime.Portable, "portable"));
        var others = comparison.Failures.Where(r => r.Name != GoldenComparer.VerdictField).Select(r => r.Name).ToList();
        return others.Count > 0 ? $"more than its verdict differs ({string.Join(", ", others)})" : null;
    }

    /// <summary>What is wrong with where a received file lies: its path must be its claim id (and its profile, when the root holds profiles).</summary>
    /// <summary>
    /// Where a record belongs below the golden root: <c>&lt;profile&gt;/&lt;claim&gt;</c> for the preset,
    /// <c>variants/&lt;profile&gt;/&lt;experiment&gt;/&lt;variant&gt;/&lt;claim&gt;</c> for a variant.
    /// </summary>
    public static string RelativeHome(GoldenRecord record) =>
        record.Variant is null ? $"{record.Profile}/{record.Claim}"
            : $"{ProjectPaths.VariantsFolder}/{record.Profile}/{Catalog.Claims.FirstOrDefault(c => c.Id == record.Claim)?.Experiment.Name ?? "?"}/{record.Variant}/{record.Claim}";

    private static string? PathProblem(string root, string file, GoldenRecord record)
    {
        string relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/')[..^ReceivedSuffix.Length];
        if (relative == record.Claim) return null;
        string home = RelativeHome(record);
        if (relative == home) return null;
        string what = record.Variant is null ? $"at the {record.Profile} profile" : $"for variant {record.Variant} at the {record.Profile} profile";
        return $"it holds claim '{record.Claim}' {what}, which belongs in {home}{ReceivedSuffix}";
    }

    private string PathFor(string claimId, string suffix)
    {
        if (string.IsNullOrWhiteSpace(claimId) || claimId.Contains("..") || Path.IsPathRooted(claimId))
            throw new ArgumentException($"Not a valid claim id: '{claimId}'.", nameof(claimId));
        return Path.Combine(Directory, claimId.Replace('/', Path.DirectorySeparatorChar) + suffix);
    }
}
