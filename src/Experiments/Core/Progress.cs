namespace Homework.Experiments.Core;

/// <summary>Receives progress from long runs; the command line draws it as progress bars.</summary>
public interface IRunObserver
{
    /// <summary>Starts a task with <paramref name="total"/> units of work (epochs, files, seeds).</summary>
    IProgressTask Start(string description, double total);

    /// <summary>A line of information (a file acquired, a result saved).</summary>
    void Info(string message);
}

public interface IProgressTask : IDisposable
{
    void Advance(double amount = 1);
}

public sealed class NullObserver : IRunObserver, IProgressTask
{
    public static NullObserver Instance { get; } = new();

    public IProgressTask Start(string description, double total) => this;

    public void Info(string message) { }

    public void Advance(double amount = 1) { }

    public void Dispose() { }
}
