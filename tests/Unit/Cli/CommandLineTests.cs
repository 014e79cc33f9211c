using Homework.Experiments.Cli;

namespace Homework.Tests.Unit.Cli;

/// <summary>The command line: every help page renders, and bad options are usage errors.</summary>
[Collection(EnvironmentCollection.Name)] // writes to the process-wide console
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("check", "--help")]
    [InlineData("figures", "--help")]
    [InlineData("report", "--help")]
    [InlineData("accept", "--help")]
    [InlineData("diff", "--help")]
    [InlineData("list", "--help")]
    public void Every_help_page_renders(params string[] args) => HomeworkApp.Run(args).Should().Be(0);

    [Theory]
    [InlineData("run", "function-fitting", "--profile", "fast")]
    [InlineData("run", "function-fitting", "--jobs", "0")]
    [InlineData("run", "all", "--set", "epochs=5")]
    [InlineData("run", "no-such-experiment")]
    [InlineData("run", "function-fitting", "--set", "epoch=5")]
    [InlineData("frobnicate")]
    [InlineData("run", "function-fitting", "--variant", "no-such-variant")]
    [InlineData("run", "all", "--variant", "edge-band-5")]
    [InlineData("run", "function-fitting", "--variant", "edge-band-5", "--set", "epochs=5")]
    [InlineData("run", "gradient-norm", "--variant", "all")]
    public void Bad_options_are_usage_errors_not_crashes(params string[] args) =>
        HomeworkApp.Run(args).Should().Be(2, "usage errors exit with 2 and one line, not a stack trace");

    [Fact]
    public void An_invalid_profile_names_the_valid_ones()
    {
        var settings = new ProfileSettings { ProfileName = "fast" };
        settings.Validate().Message.Should().Be("Unknown profile 'fast'. Valid profiles: quick, full.");
    }
}
