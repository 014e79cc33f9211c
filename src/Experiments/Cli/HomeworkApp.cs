using Homework.Experiments.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Homework.Experiments.Cli;

/// <summary>The command line: a thin layer over the experiments, claims, figures and report.</summary>
public static class HomeworkApp
{
    public static int Run(string[] args)
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
            config.AddCommand<CheckCommand>("check").WithDescription("Compare the claims of saved results with the profile's golden files (no training).");
            config.AddCommand<FiguresCommand>("figures").WithDescription("Draw every figure from saved results into artifacts/figures/.");
            config.AddCommand<ReportCommand>("report").WithDescription("Write artifacts/report.md from saved results.");
            config.AddCommand<AcceptCommand>("accept").WithDescription("Accept every received golden file (rename *.received.json to *.verified.json).");
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
                    case HomeworkException or CommandParseException or CommandRuntimeException:
                        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(exception.Message)}");
                        return 2;
                    case OperationCanceledException:
                        AnsiConsole.MarkupLine("[yellow]cancelled[/]");
                        return 130;
                    default:
                        AnsiConsole.WriteException(exception, ExceptionFormats.ShortenEverything);
                        return 3;
                }
            });
        });
        return app.Run(args);
    }
}
