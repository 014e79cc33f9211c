using Homework.Experiments.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Homework.Experiments.Cli;

/// <summary>The command line: a thin layer over the experiments, claims, figures and report.</summary>
public static class HomeworkApp
{
    /// <summary>The commands, in the order of the help page: what an unknown command's error lists.</summary>
    public static IReadOnlyList<string> Verbs { get; } = ["run", "merge", "check", "figures", "report", "accept", "diff", "list"];

    /// <summary>
    /// The program's entry point: stops with a <c>dotnet run</c> that is killed, turns SIGTERM and
    /// Ctrl+C into cancellation (see <see cref="WorkerLifetime"/>), then runs the command. Tests
    /// call <see cref="Run"/> instead, which changes nothing process-wide.
    /// </summary>
    public static int RunProgram(string[] args)
    {
        WorkerLifetime.StopWithParent();
        using var cancellation = new CancellationTokenSource();
        using var signals = WorkerLifetime.CancelOnSignals(cancellation);
        return Run(args, cancellation.Token);
    }

    /// <summary>Runs one command line; errors are one line on standard error and an exit code (2 usage or data, 130/143 cancelled, 3 a bug).</summary>
    public static int Run(string[] args, CancellationToken cancellation = default)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("homework");
            config.UseStrictParsing();
            config.AddCommand<RunCommand>("run")
                .WithDescription("Train an experiment (or all) at a profile, save the result, print the claims' verdicts and draw the figures.")
                .WithExample("run", "function-fitting", "--profile", "quick")
                .WithExample("run", "all", "--profile", "full", "--check");
            config.AddCommand<MergeCommand>("merge")
                .WithDescription("Merge the part-runs of a sharded run (`run ... --shard i/n`) into each experiment's whole run, after checking they are one run: every unit once, one commit, one config, one floating-point path per experiment.")
                .WithExample("merge", "--profile", "full", "shards/")
                .WithExample("merge", "--profile", "full", "shard-1", "shard-2", "shard-3", "shard-4");
            config.AddCommand<CheckCommand>("check").WithDescription("Compare the claims of the profile's saved preset runs with its golden files (no training).");
            config.AddCommand<FiguresCommand>("figures").WithDescription("Draw every figure from the profile's saved preset runs into artifacts/figures/.");
            config.AddCommand<ReportCommand>("report").WithDescription("Write artifacts/report.md from the profile's saved preset runs.");
            config.AddCommand<AcceptCommand>("accept").WithDescription("Accept every received golden file (rename *.received.json to *.verified.json), all or nothing: each is checked first.");
            config.AddCommand<DiffCommand>("diff")
                .WithDescription("Print the golden-metric changes against a git revision (verdict flips, metric deltas with their tolerances, added and removed files) as Markdown.")
                .WithExample("diff")
                .WithExample("diff", "--base", "HEAD~1", "--output", "artifacts/golden-diff.md")
                .WithExample("diff", "--received");
            config.AddCommand<ListCommand>("list").WithDescription("List the experiments, their figures and claims.");
            config.SetExceptionHandler((exception, _) =>
            {
                switch (exception)
                {
                    case CommandParseException when exception.Message.StartsWith("Unknown command", StringComparison.Ordinal):
                        Output.Error($"{exception.Message} Valid commands: {string.Join(", ", Verbs)} (`--help` describes them).");
                        return 2;
                    case HomeworkException or CommandParseException or CommandRuntimeException:
                        Output.Error(exception.Message);
                        return 2;
                    case OperationCanceledException:
                        Output.Error("cancelled: the run in progress saved nothing; runs saved before it are kept.");
                        return WorkerLifetime.CancelledExitCode();
                    default:
                        AnsiConsole.WriteException(exception, ExceptionFormats.ShortenEverything);
                        return 3;
                }
            });
        });
        return app.Run(args, cancellation);
    }
}
