using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Core;

/// <summary>"The worker process stops when the command that started it is killed" (issue 14), but not when a shell that started it with nohup exits.</summary>
public sealed class WorkerLifetimeTests
{
    [Theory]
    [InlineData("dotnet", null, true)]   // dotnet run, also under Cake
    [InlineData("bash", null, false)]    // a shell, nohup: keep running
    [InlineData("bash", "1", true)]      // a wrapper script that asks for it
    [InlineData("dotnet", "0", false)]   // turned off
    [InlineData(null, null, false)]
    public void The_worker_stops_with_a_dotnet_parent_unless_told_otherwise(string? parent, string? setting, bool stops) =>
        WorkerLifetime.ShouldStopWithParent(parent, setting).Should().Be(stops);
}
