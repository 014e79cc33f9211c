using System.Runtime.InteropServices;

namespace Homework.Experiments.Core;

/// <summary>
/// Ties the harness process to the command that started it. <c>dotnet run</c> starts the
/// program as a child process and does not pass a kill on to it: killing <c>dotnet run</c> left
/// the harness training, and it saved its results 12 s later. So when the parent is a
/// <c>dotnet</c> process (<c>dotnet run</c>, also under Cake), the harness asks Linux to send it
/// SIGTERM when the parent dies; and SIGTERM, SIGINT (Ctrl+C) and SIGHUP cancel the run through
/// the command's cancellation token, so the training stops at its next epoch and nothing of the
/// interrupted run is saved. A second Ctrl+C ends the process at once.
/// </summary>
/// <remarks>
/// Not for every parent: a harness started with <c>nohup</c> from a shell that then exits must
/// keep running. <c>HOMEWORK_STOP_WITH_PARENT=1</c> asks for it under any parent (a wrapper
/// script), <c>=0</c> never. Running the built program without the wrapper (README, "Command
/// line and build") avoids the extra process altogether.
/// </remarks>
public static class WorkerLifetime
{
    public const string Variable = "HOMEWORK_STOP_WITH_PARENT";

    /// <summary>The signal that cancelled the run, if one did (for the exit code: 128 + its number).</summary>
    public static PosixSignal? Received { get; private set; }

    /// <summary>
    /// Whether to stop with a parent called <paramref name="parentName"/> (its <c>/proc/&lt;pid&gt;/comm</c>),
    /// given the value of <see cref="Variable"/>.
    /// </summary>
    public static bool ShouldStopWithParent(string? parentName, string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" => true,
        "0" or "false" or "no" => false,
        _ => parentName == "dotnet",
    };

    /// <summary>
    /// On Linux, arranges SIGTERM for this process when its parent dies, if
    /// <see cref="ShouldStopWithParent"/> says so; returns whether it did.
    /// </summary>
    public static bool StopWithParent()
    {
        if (!OperatingSystem.IsLinux()) return false;
        int parent = LinuxCalls.ParentProcessId();
        if (parent <= 1) return false;
        if (!ShouldStopWithParent(NameOf(parent), Environment.GetEnvironmentVariable(Variable))) return false;
        if (!LinuxCalls.TerminateWithParent()) return false;
        // If the parent died before the kernel was asked, no signal will come: stop now.
        if (LinuxCalls.ParentProcessId() != parent)
        {
            Console.Error.WriteLine("error: the command that started the harness has ended; stopping.");
            Environment.Exit(143);
        }
        return true;
    }

    /// <summary>
    /// Cancels <paramref name="cancellation"/> on SIGTERM, SIGINT or SIGHUP instead of ending the
    /// process, so the command can stop between epochs and save nothing partial. Dispose to stop listening.
    /// </summary>
    public static IDisposable CancelOnSignals(CancellationTokenSource cancellation)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP })
        {
            try
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    if (cancellation.IsCancellationRequested && context.Signal == PosixSignal.SIGINT)
                        return; // a second Ctrl+C: the default, end the process now
                    context.Cancel = true;
                    Received ??= context.Signal;
                    Console.Error.WriteLine($"{context.Signal}: stopping after the current epoch; the interrupted run saves nothing (Ctrl+C again to stop at once).");
                    cancellation.Cancel();
                }));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGHUP does not exist on Windows; the others map to Ctrl+C and Ctrl+Break there.
            }
        }
        return new Registrations(registrations);
    }

    /// <summary>The exit code after a cancellation: 128 + the signal's number, as a shell reports it (130 for Ctrl+C).</summary>
    public static int CancelledExitCode() => Received switch
    {
        PosixSignal.SIGTERM => 143,
        PosixSignal.SIGHUP => 129,
        _ => 130,
    };

    private static string? NameOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed class Registrations(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
