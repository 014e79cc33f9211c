namespace Homework.Tests.Unit.Faults;

/// <summary>
/// Issue 14, case 4: "Bad values crash with stack traces (exit 3) instead of a one-line error:
/// `seeds=[]` (`PCA needs at least two vectors`), learning rate 0, negative, NaN or 1e300
/// (`ExternalException ... overflow`). `epochs=-5` is caught only after LibTorch loads and a
/// "done" progress line. `epochs=abc` reports a position in an internal JSON document."
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class BadValueFaults : IDisposable
{
    private readonly CliSandbox sandbox = new(golden: false);

    public void Dispose() => sandbox.Dispose();

    [Theory]
    [InlineData("optimization-paths", "seeds=[]", "seeds is []")]
    [InlineData("function-fitting", "learningRate=0", "learningRate is 0")]
    [InlineData("function-fitting", "learningRate=-0.001", "learningRate is -0.001")]
    [InlineData("function-fitting", "learningRate=NaN", "learningRate is NaN")]
    [InlineData("function-fitting", "learningRate=1e300", "learningRate is 1E+300")]
    [InlineData("function-fitting", "epochs=-5", "epochs is -5, but it must be a whole number of at least 1")]
    [InlineData("function-fitting", "epochs=abc", "epochs needs a whole number, e.g. epochs=20; got 'abc'")]
    public void A_bad_value_is_one_error_line_with_exit_code_2_before_anything_loads_or_trains(string experiment, string assignment, string expected)
    {
        // Small enough that the code before issue 14 also finishes quickly where it did not refuse.
        var run = sandbox.Run("run", experiment, "--no-figures", "--set", "seeds=[0]", "--set", "epochs=20", "--set", assignment);

        run.Exit.Should().Be(2, run.ToString());
        run.Lines.Should().ContainSingle(l => l.StartsWith("error:", StringComparison.Ordinal), "one error line")
            .Which.Should().Contain(expected);
        run.Output.Should().NotContain("   at ", "no stack trace")
            .And.NotContain("LibTorch", "nothing loads before the config is valid")
            .And.NotContain("done in", "no progress line claims success")
            .And.NotContain("LineNumber", "no position in an internal JSON document");
        CliSandbox.FilesUnder(sandbox.Artifacts).Should().BeEmpty("nothing was saved");
    }
}
