namespace Homework.Experiments.Core;

/// <summary>
/// Where the project keeps things: the repository root (the folder with Homework.sln),
/// <c>artifacts/</c> for outputs, the golden files of the reproduction tests and the
/// MNIST cache. <c>HOMEWORK_ARTIFACTS</c> and <c>HOMEWORK_DATA</c> (or the command
/// line's <c>--artifacts</c> and <c>--data-dir</c>) move the outputs and the data;
/// <c>HOMEWORK_ROOT</c> names the repository root instead of searching for it (the fault
/// tests use it to give the command line a throwaway root with its own golden files).
/// </summary>
public sealed record ProjectPaths(string Root, string Artifacts, string DataDirectory)
{
    public const string SolutionFile = "Homework.sln";
    public const string ArtifactsVariable = "HOMEWORK_ARTIFACTS";
    public const string DataVariable = "HOMEWORK_DATA";
    public const string RootVariable = "HOMEWORK_ROOT";

    /// <summary>Folder of every saved run: <c>artifacts/runs/</c>.</summary>
    public string Runs => Path.Combine(Artifacts, "runs");

    /// <summary>
    /// The run of an experiment's preset at one profile, the one the golden files, figures and
    /// report read: <c>artifacts/runs/&lt;experiment&gt;/&lt;profile&gt;/</c>.
    /// </summary>
    public string RunDirectory(string experiment, Profile profile) => Path.Combine(Runs, experiment, profile.Slug());

    /// <summary>
    /// A run whose config differs from the profile's preset (<c>--set</c>), named by its config:
    /// <c>artifacts/runs/&lt;experiment&gt;/overrides/&lt;profile&gt;-&lt;config hash&gt;/</c>. Not inside the
    /// preset's folder, because a run folder is replaced as a whole when it is saved. A named
    /// variant of an experiment would be one more kind of folder beside <c>overrides/</c>, with
    /// its own preset folder per profile.
    /// </summary>
    public string OverrideRunDirectory(string experiment, Profile profile, string configHash) =>
        Path.Combine(Runs, experiment, "overrides", $"{profile.Slug()}-{configHash}");

    /// <summary>The folder beside an experiment's runs that holds the part-runs of sharded runs (<c>run --shard i/n</c>).</summary>
    public const string PartsFolder = "parts";

    /// <summary>
    /// A part-run of a sharded run: <c>artifacts/runs/&lt;experiment&gt;/parts/&lt;slot&gt;/&lt;part&gt;/</c>, where the
    /// slot is the profile for a preset's parts and <c>&lt;profile&gt;-&lt;config hash&gt;</c> for a config
    /// with <c>--set</c> (as for override runs), and the part is its key (<c>cnn-1</c>) or <c>whole</c>.
    /// Apart from the preset's folder, so that check, figures and report, which read only that
    /// folder, can never take a part for the whole; the merge step writes the whole.
    /// </summary>
    public string PartRunDirectory(string experiment, string slot, string part) => Path.Combine(Runs, experiment, PartsFolder, slot, part);

    /// <summary>
    /// The run of a named variant of an experiment at one profile (<see cref="Variant{TConfig}"/>):
    /// <c>artifacts/runs/&lt;experiment&gt;/variants/&lt;profile&gt;-&lt;variant&gt;/</c>. Like the preset's, its
    /// identity is its config, the preset with the variant's change.
    /// </summary>
    public string VariantRunDirectory(string experiment, Profile profile, string variant) =>
        Path.Combine(Runs, experiment, VariantsFolder, $"{profile.Slug()}-{variant}");

    /// <summary>The folder of an experiment's variant runs under <c>artifacts/runs/&lt;experiment&gt;/</c>.</summary>
    public const string VariantsFolder = "variants";

    /// <summary><c>artifacts/figures/</c>: the figures of the last run, named <c>figNN-slug.png</c>.</summary>
    public string Figures => Path.Combine(Artifacts, "figures");

    /// <summary><c>artifacts/report.md</c>: one row per claim.</summary>
    public string Report => Path.Combine(Artifacts, "report.md");

    /// <summary><c>artifacts/reference/</c>: the committed figures and report of the last full-profile run.</summary>
    public string Reference => Path.Combine(Artifacts, "reference");

    /// <summary>Where the golden files live, relative to the root and with <c>/</c> as git names paths.</summary>
    public const string GoldenFolder = "tests/Reproduction/Golden";

    /// <summary>The golden files of every profile: <c>tests/Reproduction/Golden/</c>.</summary>
    public string GoldenRoot => Path.Combine(Root, GoldenFolder.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The golden files of a profile: <c>tests/Reproduction/Golden/&lt;profile&gt;/</c>.</summary>
    public string GoldenDirectory(Profile profile) => Path.Combine(GoldenRoot, profile.Slug());

    /// <summary>
    /// The golden files of the variants: <c>tests/Reproduction/Golden/variants/</c>, apart from the
    /// profiles' folders, whose every file must be a claim of the preset.
    /// </summary>
    public string VariantGoldenRoot => Path.Combine(GoldenRoot, VariantsFolder);

    /// <summary>The golden files of one variant: <c>tests/Reproduction/Golden/variants/&lt;profile&gt;/&lt;experiment&gt;/&lt;variant&gt;/</c>.</summary>
    public string VariantGoldenDirectory(Profile profile, string experiment, string variant) =>
        Path.Combine(VariantGoldenRoot, profile.Slug(), experiment, variant);

    /// <summary>
    /// Finds the repository root above the current directory or above this program, and
    /// applies the overrides (arguments first, then environment variables).
    /// </summary>
    public static ProjectPaths Discover(string? artifacts = null, string? dataDirectory = null)
    {
        string root = RootFromEnvironment() ?? FindRoot(Directory.GetCurrentDirectory()) ?? FindRoot(AppContext.BaseDirectory)
            ?? throw new HomeworkException(
                $"Could not find {SolutionFile} in {Directory.GetCurrentDirectory()} or any folder above it. Run the command from inside the repository.");
        return new ProjectPaths(
            root,
            Path.GetFullPath(artifacts ?? Environment.GetEnvironmentVariable(ArtifactsVariable) ?? Path.Combine(root, "artifacts")),
            Path.GetFullPath(dataDirectory ?? Environment.GetEnvironmentVariable(DataVariable) ?? DefaultDataDirectory()));
    }

    /// <summary>
    /// The MNIST cache shared by every clone of the project, like torchvision's and Hugging
    /// Face's caches: <c>$XDG_CACHE_HOME/homework/mnist</c>, else <c>~/.cache/homework/mnist</c>
    /// (on Windows <c>%LOCALAPPDATA%\homework\mnist</c>).
    /// </summary>
    public static string DefaultDataDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string cache = !string.IsNullOrEmpty(xdg) ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "homework", "mnist");
    }

    private static string? RootFromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is not { Length: > 0 } root) return null;
        string full = Path.GetFullPath(root);
        return File.Exists(Path.Combine(full, SolutionFile))
            ? full
            : throw new HomeworkException($"{RootVariable}={root} has no {SolutionFile}: point it at the repository root, or unset it.");
    }

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                return dir.FullName;
        return null;
    }
}
