// The build of the Homework harness. Run it through ./build.sh (which restores the pinned
// cake.tool first): ./build.sh --target=<Target> [--profile=quick|full] [--configuration=Release]
// [--base=<git revision>].
// Every target is a thin call into `dotnet` or the harness's own command line; the logic
// lives in src/ where the tests reach it.

var target = Argument("target", "Publish");

Setup<BuildParameters>(context => new BuildParameters(context));

Task("Clean")
    .Description("Delete bin/, obj/ and artifacts/ outputs (keeps artifacts/reference/).")
    .Does<BuildParameters>(p =>
{
    CleanDirectories($"{p.Root}/src/**/bin");
    CleanDirectories($"{p.Root}/src/**/obj");
    CleanDirectories($"{p.Root}/tests/**/bin");
    CleanDirectories($"{p.Root}/tests/**/obj");
    foreach (var dir in new[] { "runs", "figures", "test-results" })
        CleanDirectory(p.Artifacts.Combine(dir));
});

Task("Build")
    .Description("Build the solution.")
    .Does<BuildParameters>(p =>
{
    DotNetBuild(p.Solution.FullPath, new DotNetBuildSettings { Configuration = p.Configuration });
});

Task("Test")
    .Description("Run the unit tests (fast; no training at scale).")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p =>
{
    DotNetTest(p.Root.CombineWithFilePath("tests/Unit/Homework.Tests.Unit.csproj").FullPath, p.TestSettings("unit"));
});

Task("TestAll")
    .Description("Run every test of the solution, the quick reproduction included; trx results in artifacts/test-results/.")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p =>
{
    // Under CI a failing test must not stop the golden diff and the outputs that explain it;
    // the CI task fails at its end instead.
    p.Deferrable("TestAll", () => DotNetTest(p.Solution.FullPath, p.TestSettings(null)));
});

Task("Train")
    .Description("Train every experiment at --profile (quick or full) and save the results under artifacts/runs/.")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p =>
{
    p.Homework($"run all --profile {p.Profile} --no-figures");
});

Task("Check")
    .Description("Compare the claims of the saved results of --profile with that profile's golden files (no training).")
    .Does<BuildParameters>(p =>
{
    p.Homework($"check --profile {p.Profile}");
});

Task("Reproduce")
    .Description("Train every experiment at --profile and check every claim against that profile's golden files.")
    .IsDependentOn("Train")
    .IsDependentOn("Check");

Task("Figures")
    .Description("Draw every figure from the saved results of --profile into artifacts/figures/.")
    .Does<BuildParameters>(p =>
{
    p.Homework($"figures --profile {p.Profile}");
});

Task("Report")
    .Description("Write artifacts/report.md from the saved results of --profile (full: also refresh artifacts/reference/).")
    .Does<BuildParameters>(p =>
{
    p.Homework($"report --profile {p.Profile}" + (p.Profile == "full" ? " --reference" : ""));
});

Task("AcceptSnapshots")
    .Description("Accept every received golden file (*.received.json -> *.verified.json). Review with git diff, then commit.")
    .Does<BuildParameters>(p =>
{
    p.Homework("accept");
});

Task("GoldenDiff")
    .Description("Print the golden-metric changes of the working tree against --base (default: the merge base with main) and write them to artifacts/golden-diff.md.")
    .Does<BuildParameters>(p =>
{
    p.Homework("diff --output artifacts/golden-diff.md" + (p.Base is null ? "" : $" --base \"{p.Base}\""));
});

Task("Benchmark")
    .Description("Run the BenchmarkDotNet suite (tests/Benchmarks) in Release; results in artifacts/benchmarks/. --filter=<glob> narrows it.")
    .Does<BuildParameters>(p =>
{
    DotNetRun(p.Root.CombineWithFilePath("tests/Benchmarks/Homework.Benchmarks.csproj").FullPath,
        new ProcessArgumentBuilder().Append("--filter").AppendQuoted(Argument("filter", "*")),
        new DotNetRunSettings { Configuration = "Release" });
});

Task("Mutations")
    .Description("The mutation suite: deliberate defects (a wrong learning rate, a summed loss, a lost layer, ...) in copies of the sources, each reproduced at the quick profile in the portable regime; fails unless every one is caught. --mutations=<name,...> narrows it. Writes artifacts/mutations.md.")
    .Does<BuildParameters>(p =>
{
    string only = Argument("mutations", "");
    DotNetRun(p.Root.CombineWithFilePath("tests/Mutations/Homework.Mutations.csproj").FullPath,
        only.Length == 0 ? new ProcessArgumentBuilder() : new ProcessArgumentBuilder().Append("--only").AppendQuoted(only),
        new DotNetRunSettings { Configuration = p.Configuration });
});

Task("Outputs")
    .Description("Figures and report from the saved results of --profile (no training).")
    .IsDependentOn("Figures")
    .IsDependentOn("Report");

Task("Publish")
    .Description("The main job: train at --profile (default quick; full is the report's scale), draw the figures, write the report, then check the golden files (outputs are written even when a claim moved).")
    .IsDependentOn("Train")
    .IsDependentOn("Outputs")
    .IsDependentOn("Check");

Task("CI")
    .Description("What CI runs: build, every test (quick reproduction included) with trx results, the golden-metric diff for the job summary, then figures and report from the runs the tests saved.")
    .IsDependentOn("TestAll")
    .IsDependentOn("GoldenDiff")
    .IsDependentOn("Outputs")
    .Does<BuildParameters>(p =>
{
    if (p.Failures.Count > 0)
        throw new Exception($"CI failed: {string.Join("; ", p.Failures)}. The golden diff, figures and report in artifacts/ show what changed.");
});

RunTarget(target);

/// <summary>Typed build context: paths, configuration, the profile and the golden diff's base revision.</summary>
public sealed class BuildParameters
{
    private readonly ICakeContext context;
    private readonly string target;

    public BuildParameters(ICakeContext context)
    {
        this.context = context;
        target = context.Argument("target", "Publish");
        Root = context.MakeAbsolute(context.Directory(".."));
        if (!context.FileExists(Root.CombineWithFilePath("Homework.sln")))
            Root = context.MakeAbsolute(context.Directory("."));
        Solution = Root.CombineWithFilePath("Homework.sln");
        Artifacts = Root.Combine("artifacts");
        Configuration = context.Argument("configuration", "Release");
        Profile = context.Argument("profile", "quick").ToLowerInvariant();
        Base = context.Argument<string>("base", null);
        if (Profile != "quick" && Profile != "full")
            throw new ArgumentException($"Unknown --profile={Profile}. Valid profiles: quick, full.");
        context.Information($"Homework build: profile {Profile}, configuration {Configuration}, root {Root}");
    }

    public DirectoryPath Root { get; }

    /// <summary>Failures deferred to the end of the CI target.</summary>
    public List<string> Failures { get; } = new List<string>();

    /// <summary>Runs <paramref name="action"/>; under the CI target a failure is recorded instead of stopping the build.</summary>
    public void Deferrable(string name, Action action)
    {
        if (!string.Equals(target, "CI", StringComparison.OrdinalIgnoreCase)) { action(); return; }
        try { action(); }
        catch (Exception e) { Failures.Add($"{name}: {e.Message}"); context.Error($"{name} failed; continuing so that CI still writes the golden diff and the outputs."); }
    }
    public FilePath Solution { get; }
    public DirectoryPath Artifacts { get; }
    public string Configuration { get; }
    public string Profile { get; }

    /// <summary>The revision GoldenDiff compares with; null lets the harness choose (the merge base with main).</summary>
    public string Base { get; }

    public DotNetTestSettings TestSettings(string name) => new DotNetTestSettings
    {
        Configuration = Configuration,
        NoBuild = true,
        ResultsDirectory = Artifacts.Combine("test-results"),
        Loggers = { name is null ? "trx" : $"trx;LogFileName={name}.trx", "console;verbosity=normal" },
    };

    /// <summary>Runs the harness's command line (built by the Build target or by dotnet test).</summary>
    public void Homework(string arguments)
    {
        var dll = Root.CombineWithFilePath($"src/Experiments/bin/{Configuration}/net10.0/Homework.Experiments.dll");
        if (!context.FileExists(dll))
            context.DotNetBuild(Root.CombineWithFilePath("src/Experiments/Homework.Experiments.csproj").FullPath,
                new DotNetBuildSettings { Configuration = Configuration });
        context.DotNetExecute(dll, arguments, new DotNetExecuteSettings { WorkingDirectory = Root });
    }
}
