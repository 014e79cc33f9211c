using System.Globalization;
using System.Text;
using Homework.Experiments.Core;
using Homework.Mutations;

// The mutation suite: `dotnet run --project tests/Mutations [-- --only <name>[,<name>]] [--no-control] [--list]`,
// or `./build.sh --target=Mutations`. Writes artifacts/mutations.md and exits 1 if a mutation is not caught.
var arguments = args.ToList();
if (arguments.Contains("--list"))
{
    foreach (var m in MutationSuite.All) Console.WriteLine($"{m.Name,-36} {string.Join(",", m.Experiments),-18} {m.Change}");
    return 0;
}
int only = arguments.IndexOf("--only");
var selected = only >= 0 && only + 1 < arguments.Count
    ? arguments[only + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(MutationSuite.Find).ToList()
    : MutationSuite.All.ToList();

var paths = ProjectPaths.Discover();
string scratch = Path.Combine(Path.GetTempPath(), "homework-mutants");
void Log(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
var runner = new MutationRunner(paths.Root, scratch, Log);

var outcomes = new List<MutationOutcome>();
if (!arguments.Contains("--no-control"))
    outcomes.Add(Report(runner.Control([.. selected.SelectMany(m => m.Experiments).Distinct()])));
foreach (var mutation in selected)
    outcomes.Add(Report(runner.Run(mutation)));

MutationOutcome Report(MutationOutcome outcome)
{
    string verdict = outcome.Error is not null && outcome.Tests == 0 ? "ERROR"
        : outcome.Mutation.File.Length == 0 ? (outcome.FailedClaims.Count == 0 ? "passes (no false alarm)" : "FALSE ALARM")
        : outcome.Caught ? "caught" : "NOT CAUGHT by the claims";
    string unit = outcome.FailedUnitTests is { } failed ? $"; unit tests: {failed.Count} failed" : "";
    Log($"{outcome.Mutation.Name}: {verdict} ({outcome.FailedClaims.Count} of {outcome.Tests} claim tests failed{unit}, {outcome.Seconds:0} s){(outcome.Error is null ? "" : "; " + outcome.Error)}");
    return outcome;
}

// Unit tests that fail in the unmutated copy as well are not catches.
var baseline = outcomes.FirstOrDefault(o => o.Mutation.File.Length == 0)?.FailedUnitTests ?? [];
IReadOnlyList<string>? Beyond(IReadOnlyList<string>? failed) =>
    failed is null || failed == baseline ? failed : [.. failed.Except(baseline)];

var text = new StringBuilder();
text.AppendLine("# Mutation suite (quick profile, portable regime)");
text.AppendLine();
text.AppendLine($"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC. A mutation is caught when at least one claim test of its experiments fails against the golden files in the portable regime; the control runs the unmutated sources the same way. When the claims miss a defect, the unit tests of the mutated copy are run too, and those failing beyond the control's are listed.");
text.AppendLine();
text.AppendLine("| mutation | what it changes | experiments | caught by the claims | claim tests failed | first evidence | unit tests failed (when the claims miss) |");
text.AppendLine("|---|---|---|---|---|---|---|");
foreach (var o in outcomes)
{
    bool control = o.Mutation.File.Length == 0;
    string caught = o.Error is not null && o.Tests == 0 ? $"error: {o.Error}" : control ? (o.FailedClaims.Count == 0 ? "passes (no false alarm)" : "**false alarm**") : o.Caught ? "yes" : "**no**";
    string evidence = string.Join("<br>", o.Evidence.Select(row => row.Trim().Trim('|').Trim().Replace("|", "·", StringComparison.Ordinal)));
    string unit = Beyond(o.FailedUnitTests) is not { } failed ? "" : failed.Count == 0 ? "none" : $"{failed.Count}: " + string.Join(", ", failed.Take(3).Select(t => $"`{t}`")) + (failed.Count > 3 ? ", ..." : "");
    text.AppendLine($"| `{o.Mutation.Name}` | {o.Mutation.Change} | {string.Join(", ", o.Mutation.Experiments)} | {caught} | {o.FailedClaims.Count} of {o.Tests}{(o.FailedClaims.Count > 0 ? ": " + string.Join(", ", o.FailedClaims.Select(c => $"`{c}`")) : "")} | {evidence} | {unit} |");
}
string output = Path.Combine(paths.Artifacts, "mutations.md");
AtomicFile.WriteAllText(output, text.ToString());
Log($"wrote {output}");
int missed = outcomes.Count(o => o.Mutation.File.Length > 0 ? !o.Caught : o.FailedClaims.Count > 0 || o.Tests == 0);
Console.WriteLine(missed == 0
    ? $"Every mutation was caught and no control raised a false alarm ({outcomes.Count} runs)."
    : $"{missed.ToString(CultureInfo.InvariantCulture)} run(s) were not as expected: see {output}.");
return missed == 0 ? 0 : 1;
