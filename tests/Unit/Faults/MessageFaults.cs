namespace Homework.Tests.Unit.Faults;

/// <summary>
/// Issue 14, case 8: "Messages. A malformed golden file says "Delete the file and run again to
/// regenerate it", which does not regenerate it; an unknown verb does not list the verbs."
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class MessageFaults : IDisposable
{
    private readonly CliSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public void A_malformed_golden_file_says_how_to_regenerate_it_not_to_delete_it()
    {
        sandbox.Run("run", "optimization-paths", "--no-figures").Exit.Should().Be(0);
        string golden = Path.Combine(sandbox.GoldenRoot, "quick", "1-2", "paths", "gradual-optimization.verified.json");
        File.WriteAllText(golden, "{ \"claim\": ");

        var check = sandbox.Run("check");

        check.Exit.Should().Be(1, check.ToString());
        check.Output.Should().NotContain("Delete the file and run again")
            .And.Contain("gradual-optimization.received.json")
            .And.Contain("diff --received")
            .And.Contain("accept");
        File.Exists(golden.Replace(".verified.json", ".received.json")).Should().BeTrue("the run's values wait there for review");
    }

    [Fact]
    public void A_reference_report_without_figures_says_to_draw_them_and_writes_nothing()
    {
        sandbox.Run("run", "optimization-paths", "--no-figures").Exit.Should().Be(0);

        var report = sandbox.Run("report", "--reference");

        report.Exit.Should().NotBe(0, report.ToString());
        report.Output.Should().Contain("figures --profile quick").And.NotContain("DirectoryNotFoundException");
        File.Exists(Path.Combine(sandbox.Artifacts, "report.md")).Should().BeFalse("nothing is written when the reference cannot be complete");
        Directory.Exists(Path.Combine(sandbox.Artifacts, "reference")).Should().BeFalse();
    }

    [Fact]
    public void An_unknown_command_lists_the_commands()
    {
        var result = sandbox.Run("frobnicate");

        result.Exit.Should().Be(2);
        result.Lines.Should().ContainSingle().Which.Should().Contain("Unknown command 'frobnicate'")
            .And.Contain("run, merge, check, figures, report, accept, diff, list");
    }
}
