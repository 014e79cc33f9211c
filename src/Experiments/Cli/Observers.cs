using System.Diagnostics;
using Homework.Experiments.Core;
using Spectre.Console;

namespace Homework.Experiments.Cli;

/// <summary>Progress bars on an interactive terminal (Spectre.Console).</summary>
internal sealed class ProgressBarObserver(ProgressContext context) : IRunObserver
{
    public IProgressTask Start(string description, double total) =>
        new Task(context.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1)));

    public void Info(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    private sealed class Task(ProgressTask task) : IProgressTask
    {
        public void Advance(double amount = 1) => task.Increment(amount);

        /// <summary>A task that did not finish (an error, a cancellation) stops where it was, instead of showing 100%.</summary>
        public void Dispose() => task.StopTask();
    }
}

/// <summary>Plain lines every 10% when the output is a log (CI), where bars cannot redraw.</summary>
internal sealed class LogObserver : IRunObserver
{
    public IProgressTask Start(string description, double total)
    {
        Console.WriteLine($"{description}: started");
        return new Task(description, Math.Max(total, 1));
    }

    public void Info(string message) => Console.WriteLine(message);

    private sealed class Task(string description, double total) : IProgressTask
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly Lock gate = new();
        private double done;
        private int reported;

        public void Advance(double amount = 1)
        {
            lock (gate)
            {
                done += amount;
                int tenth = (int)(10 * done / total);
                if (tenth <= reported || tenth >= 10) return;
                reported = tenth;
                double eta = clock.Elapsed.TotalSeconds / done * (total - done);
                Console.WriteLine($"{description}: {tenth * 10}% ({clock.Elapsed.TotalSeconds:0} s, about {eta:0} s left)");
            }
        }

        /// <summary>
        /// "done" only when every unit was done: the task is also disposed when an error or a
        /// cancellation unwinds the run, and a "done" line before the error misled.
        /// </summary>
        public void Dispose()
        {
            lock (gate)
                Console.WriteLine(done >= total
                    ? $"{description}: done in {clock.Elapsed.TotalSeconds:0.0} s"
                    : $"{description}: stopped after {clock.Elapsed.TotalSeconds:0.0} s, {100 * done / total:0}% done");
        }
    }
}

internal static class Observers
{
    /// <summary>Runs <paramref name="work"/> with progress bars when the terminal can draw them, else with log lines.</summary>
    public static T With<T>(Func<IRunObserver, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return work(new LogObserver());
        return AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => work(new ProgressBarObserver(context)));
    }
}
