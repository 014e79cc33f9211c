using Homework.Experiments.Cli;

namespace Homework.Tests.Unit.Cli;

/// <summary>Progress lines in a log: "done" only for a task that finished ("a 'done in 71.1 s' line comes before the error", issue 14).</summary>
[Collection(EnvironmentCollection.Name)] // writes to the process-wide console
public sealed class ObserverTests
{
    [Fact]
    public void A_task_that_ends_early_says_stopped_and_one_that_finishes_says_done()
    {
        var output = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(output);
        try
        {
            var observer = new LogObserver();
            using (var failed = observer.Start("Fetching", 4))
                failed.Advance();
            using (var finished = observer.Start("Training", 2))
                finished.Advance(2);
        }
        finally
        {
            Console.SetOut(saved);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(l => l.StartsWith("Fetching: stopped after", StringComparison.Ordinal) && l.EndsWith("25% done", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("Training: done in", StringComparison.Ordinal));
        lines.Should().NotContain(l => l.StartsWith("Fetching: done", StringComparison.Ordinal));
    }
}
