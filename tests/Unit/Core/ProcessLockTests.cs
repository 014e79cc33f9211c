using System.Diagnostics;
using System.Text.Json;
using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Core;

/// <summary>
/// Concurrent runs of one config "either wait on a lock or refuse with a clear message"
/// (issue 14); a crashed holder's lock file never blocks later runs.
/// </summary>
public sealed class ProcessLockTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string LockFile => dir.File(".quick.lock");

    [Fact]
    public void A_held_lock_names_its_holder_and_its_file_goes_when_it_is_released()
    {
        using (var held = ProcessLock.TryAcquire(LockFile, "running a test", out _))
        {
            held.Should().NotBeNull();
            ProcessLock.TryAcquire(LockFile, "again", out var holder).Should().BeNull();
            holder!.Pid.Should().Be(Environment.ProcessId);
            holder.Purpose.Should().Be("running a test");
            holder.Describe().Should().Contain($"process {Environment.ProcessId}").And.Contain("running a test");
        }

        File.Exists(LockFile).Should().BeFalse("releasing deletes the lock file");
    }

    [Fact]
    public void The_lock_of_a_process_that_has_ended_is_taken_over()
    {
        using var ended = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!;
        ended.WaitForExit();
        WriteHolder(new LockHolder(ended.Id, DateTimeOffset.UtcNow.AddMinutes(-1), Environment.MachineName, "homework run", "running", "token"));

        using var taken = ProcessLock.TryAcquire(LockFile, "after a crash", out var holder);

        taken.Should().NotBeNull("a SIGKILLed run must not block the next one");
        holder.Should().BeNull();
    }

    [Fact]
    public void A_lock_whose_process_id_was_reused_by_a_later_process_is_taken_over()
    {
        using var me = Process.GetCurrentProcess();
        WriteHolder(new LockHolder(Environment.ProcessId, me.StartTime.ToUniversalTime().AddHours(-1), Environment.MachineName, "homework run", "running", "token"));

        using var taken = ProcessLock.TryAcquire(LockFile, "after a reboot", out _);

        taken.Should().NotBeNull();
    }

    [Fact]
    public void Waiting_for_a_live_holder_says_who_it_is_and_gives_up_with_its_name()
    {
        using var held = ProcessLock.TryAcquire(LockFile, "fetching MNIST", out _);
        LockHolder? told = null;

        FluentActions.Invoking(() => ProcessLock.Acquire(LockFile, "fetching MNIST too", TimeSpan.FromMilliseconds(300), h => told = h))
            .Should().Throw<HomeworkException>().WithMessage($"*held by process {Environment.ProcessId}*fetching MNIST*");
        told!.Pid.Should().Be(Environment.ProcessId);
    }

    private void WriteHolder(LockHolder holder) => File.WriteAllText(LockFile, JsonSerializer.Serialize(holder, Json.Options));
}
