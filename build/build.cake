// The build of the Homework harness. Run it through ./build.sh (which restores the pinned
// cake.tool first): ./build.sh [--target=<Target>] [--profile=quick|full] [--configuration=Release]
// [--base=<git revision>]. Without --target it runs Default (= Publish).
// Every target is a thin call into `dotnet` or the harness's own command line; the logic
// lives in src/ where the tests reach it. Every target that runs harness code depends on
// Build, so it always runs the code as it is in the working tree, never a stale build.

var target = Argument("target", "Default");

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
    .Description("Build the solution at --configuration (Release by default).")
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
    DotNetTest(p.Solution.FullPath, p.TestSettings(null));
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
    .IsDependentOn("Build")
    .Does<BuildParameters>(p =>
{
    p.Homework($"check --profile {p.Profile}");
});

Task("Robustness")
    .Description("The robustness run: every experiment's preset and every named variant at the quick scale (five seeds each, where the variants' golden files are pinned), checked against those golden files; reports of any profile show the robustness table from these runs.")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p =>
{
    p.Homework("run all --profile quick --no-figures");
    p.Homework("run all --variant all --profile quick --no-figures --check");
});

Task("CheckVariants")
    .Description("Compare the saved variant runs of --profile (default quick, where they are pinned) with the variants' golden files (no training).")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p =>
{
    p.Homework($"check --variants --profile {p.Profile}");
});

Task("Reproduce")
    .Description("Train every experiment at --profile and check every claim against that profile's golden files.")
    .IsDependentOn("Train")
    .IsDependentOn("Check");

Task("Figures")
    .Description("Draw every figure from the saved results of --profile into artifacts/figures/.")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p => p.DrawFigures());

Task("Report")
    .Description("Write artifacts/report.md from the saved results of --profile (full: also refresh artifacts/reference/).")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p => p.WriteReport());

Task("AcceptSnapshots")
    .Description("Accept every received golden file (*.received.json -> *.verified.json). Review with git diff, then commit.")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p =>
{
    p.Homework("accept");
});

Task("GoldenDiff")
    .Description("Print the golden-metric changes of the working tree against --base (default: the merge base with main) and write them to artifacts/golden-diff.md.")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p => p.WriteGoldenDiff());

Task("Benchmark")
    .Description("Run the BenchmarkDotNet suite (tests/Benchmarks) in Release; results in artifacts/benchmarks/. --filter=<glob> narrows it.")
    .Does<BuildParameters>(p =>
{
    // No dependency on Build: BenchmarkDotNet needs a Release build whatever --configuration
    // says, and `dotnet run` builds exactly that before it runs.
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

// A sharded run of the full profile, as .github/workflows/full-profile.yml runs it on several
// machines: each machine runs one Shard, the merge machine gathers their artifacts folders and
// runs PublishShards. Locally the shards can run one after another into artifacts/ and be merged
// from there (no --shards). The harness plans, checks and merges; these targets only call it.

Task("Shard")
    .Description("Train shard --shard=i/n of every experiment at --profile as part-runs under artifacts/runs/*/parts/ (the plan is printed first). Merge them with MergeShards.")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p =>
{
    p.Homework($"run all --profile {p.Profile} --shard {p.RequiredShard()} --no-figures");
});

Task("MergeShards")
    .Description("Merge the part-runs of a sharded run into each experiment's whole run: --shards=<folder>[,<folder>...] (the shards' artifacts folders, or one folder of them; default artifacts/), --allow-mixed-numerics=true for machines of different CPUs.")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p => p.MergeShards());

Task("PublishShards")
    .Description("The merge machine's job: MergeShards, then figures, report and the golden check at --profile (outputs are written even when a claim moved).")
    .IsDependentOn("MergeShards")
    .IsDependentOn("Outputs")
    .IsDependentOn("Check");

Task("Default")
    .Description("Publish: train, figures, report, then the golden check, at --profile (quick unless told).")
    .IsDependentOn("Publish");

// CI runs .ci/run (the workflow runs nothing else): `dotnet test Homework.sln`, then the
// target below for what explains the tests' outcome. The two tasks use Cake's own error
// handling: a git problem in the golden diff is logged and CI goes on (the tests already
// compared every claim), and the report is written even when a figure failed; the CI target
// then fails at its end.

Task("CIGoldenDiff")
    .Description("The golden diff as CI makes it: like GoldenDiff, but a failure is logged and the build goes on.")
    .IsDependentOn("Build")
    .Does<BuildParameters>(p => p.WriteGoldenDiff())
    .ContinueOnError();

Task("CI")
    .Description("What .ci/run does after `dotnet test Homework.sln`: the golden diff for the job summary, then figures and report from the runs the tests saved; each step runs even when the one before failed, and the target fails at its end if one did.")
    .IsDependentOn("CIGoldenDiff")
    .Does<BuildParameters>(p => p.DrawFigures())
    .Does<BuildParameters>(p => p.WriteReport())
    .DeferOnError();

RunTarget(target);

/// <summary>Typed build context: paths, configuration, the profile and the golden diff's base revision.</summary>
public sealed class BuildParameters
{
    /// <summary>The harness's profiles; it refuses any other, this only fails before the build does.</summary>
    public static readonly string[] Profiles = { "quick", "full" };

    private readonly ICakeContext context;

    public BuildParameters(ICakeContext context)
    {
        this.context = context;
        Root = context.MakeAbsolute(context.Directory(".."));
        if (!context.FileExists(Root.CombineWithFilePath("Homework.sln")))
            Root = context.MakeAbsolute(context.Directory("."));
        Solution = Root.CombineWithFilePath("Homework.sln");
        Artifacts = Root.Combine("artifacts");
        Configuration = context.Argument("configuration", "Release");
        Profile = context.Argument("profile", Profiles[0]).ToLowerInvariant();
        Base = context.Argument<string>("base", null);
        if (Array.IndexOf(Profiles, Profile) < 0)
            throw new ArgumentException($"Unknown --profile={Profile}. Valid profiles: {string.Join(", ", Profiles)}.");
        if (string.Equals(context.Argument("target", "Default"), "Shard", StringComparison.OrdinalIgnoreCase))
            RequiredShard(); // before the build, not after it
        context.Information($"Homework build: profile {Profile}, configuration {Configuration}, root {Root}");
    }

    public DirectoryPath Root { get; }
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

    public void DrawFigures() => Homework($"figures --profile {Profile}");

    public void WriteReport() => Homework($"report --profile {Profile}" + (Profile == "full" ? " --reference" : ""));

    /// <summary>The --shard=i/n of the Shard target (the harness checks the value itself).</summary>
    public string RequiredShard() =>
        context.Argument<string>("shard", null) ?? throw new ArgumentException("The Shard target needs --shard=i/n, e.g. --shard=2/4.");

    /// <summary>Runs the harness's merge on --shards (comma-separated folders; none: artifacts/).</summary>
    public void MergeShards()
    {
        var arguments = new ProcessArgumentBuilder().Append("merge").Append("--profile").Append(Profile);
        foreach (string folder in context.Argument("shards", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            arguments.AppendQuoted(folder);
        if (context.Argument("allow-mixed-numerics", false))
            arguments.Append("--allow-mixed-numerics");
        Homework(arguments);
    }

    public void WriteGoldenDiff() => Homework("diff --output artifacts/golden-diff.md" + (Base is null ? "" : $" --base \"{Base}\""));

    /// <summary>
    /// Runs the harness's command line as the Build target built it: `dotnet run --no-build`
    /// finds the output of --configuration through the project itself, so no target framework
    /// or output path is written here.
    /// </summary>
    public void Homework(string arguments) => Homework(ProcessArgumentBuilder.FromString(arguments));

    public void Homework(ProcessArgumentBuilder arguments) =>
        context.DotNetRun(Root.CombineWithFilePath("src/Experiments/Homework.Experiments.csproj").FullPath, arguments,
            new DotNetRunSettings { Configuration = Configuration, NoBuild = true, NoRestore = true, WorkingDirectory = Root });
}
