using FluentAssertions;
using Homework.Experiments.Core;

namespace Homework.Tests.Unit.Core;

[Collection(EnvironmentCollection.Name)]
public sealed class NativeAllocatorTests
{
    [Fact]
    public void On_glibc_both_thresholds_are_accepted()
    {
        if (!OperatingSystem.IsLinux()) return;
        WithVariables(() => NativeAllocator.KeepFreedMemory().Should().Be("glibc: mmap threshold 32 MiB, trim threshold 1024 MiB"));
    }

    [Fact]
    public void System_keeps_the_C_librarys_defaults()
    {
        WithVariables(() => NativeAllocator.KeepFreedMemory().Should().StartWith("system default").And.Contain("HOMEWORK_ALLOCATOR=system"),
            (NativeAllocator.Variable, "system"));
    }

    [Theory]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "65536")]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "0")]
    public void A_users_own_allocator_settings_are_left_alone(string name, string value)
    {
        if (!OperatingSystem.IsLinux()) return;
        WithVariables(() => NativeAllocator.KeepFreedMemory().Should().StartWith("user's settings"), (name, value));
    }

    [Fact]
    public void Other_tunables_do_not_count_as_allocator_settings()
    {
        if (!OperatingSystem.IsLinux()) return;
        WithVariables(() => NativeAllocator.KeepFreedMemory().Should().StartWith("glibc:"), ("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F"));
    }

    [Fact]
    public void A_bad_setting_is_a_usage_error_that_names_the_valid_ones()
    {
        WithVariables(() => FluentActions.Invoking(NativeAllocator.KeepFreedMemory)
                .Should().Throw<UsageException>().WithMessage("HOMEWORK_ALLOCATOR=glibc is not a valid setting: use keep*or system*"),
            (NativeAllocator.Variable, "glibc"));
    }

    private static readonly string[] Variables = [NativeAllocator.Variable, "GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"];

    private static void WithVariables(Action act, params (string Name, string Value)[] set)
    {
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in Variables) Environment.SetEnvironmentVariable(name, null);
            foreach (var (name, value) in set) Environment.SetEnvironmentVariable(name, value);
            act();
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
