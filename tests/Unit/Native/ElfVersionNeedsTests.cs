using Homework.Build;

namespace Homework.Tests.Unit.Native;

/// <summary>
/// The build-time fix that lets TorchSharp's libLibTorchSharp.so load on Debian 12, tested
/// on the library this test project was built with.
/// </summary>
public sealed class ElfVersionNeedsTests
{
    private const string Needed = "GLIBCXX_3.4.32";
    private const string Anchor = "_ZSt21ios_base_library_initv";
    private static readonly string Library = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");

    private static byte[] LibraryBytes()
    {
        Skip.IfNot(File.Exists(Library), "libLibTorchSharp.so exists only in Linux builds");
        return File.ReadAllBytes(Library);
    }

    [SkippableFact]
    public void LibTorchSharp_needs_GLIBCXX_3_4_32_only_for_the_iostream_anchor()
    {
        byte[] bytes = LibraryBytes();
        var need = ElfVersionNeeds.ReadNeeds(bytes).Single(n => n.Version == Needed);
        need.File.Should().Be("libstdc++.so.6");
        ElfVersionNeeds.SymbolsBoundTo(bytes, need.Index).Should().Equal(Anchor);
    }

    [SkippableFact]
    public void Plan_weakens_the_need_when_the_system_lacks_the_version()
    {
        byte[] bytes = LibraryBytes();
        ClearWeak(bytes);
        var plan = ElfVersionNeeds.Plan(bytes, new HashSet<string> { "GLIBCXX_3.4.30" }, "libstdc++.so.6", [Needed], [Anchor]);
        plan.Should().ContainSingle().Which.Patch.Should().BeTrue();
    }

    [SkippableFact]
    public void Plan_is_a_no_op_when_the_system_provides_the_version()
    {
        byte[] bytes = LibraryBytes();
        ClearWeak(bytes);
        var plan = ElfVersionNeeds.Plan(bytes, new HashSet<string> { "GLIBCXX_3.4.30", Needed }, "libstdc++.so.6", [Needed], [Anchor]);
        plan.Should().ContainSingle().Which.Patch.Should().BeFalse();
    }

    [SkippableFact]
    public void Plan_refuses_when_a_real_symbol_needs_the_version()
    {
        byte[] bytes = LibraryBytes();
        ClearWeak(bytes);
        var plan = ElfVersionNeeds.Plan(bytes, new HashSet<string>(), "libstdc++.so.6", [Needed], anchorSymbols: []);
        plan.Should().ContainSingle().Which.Reason.Should().StartWith("unsafe");
    }

    [SkippableFact]
    public void MarkWeak_changes_only_the_flags_of_that_one_need()
    {
        byte[] original = LibraryBytes();
        ClearWeak(original);
        byte[] patched = (byte[])original.Clone();
        var need = ElfVersionNeeds.ReadNeeds(patched).Single(n => n.Version == Needed);

        ElfVersionNeeds.MarkWeak(patched, need);

        Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i])
            .Should().Equal(need.FlagsOffset);
        ElfVersionNeeds.ReadNeeds(patched).Single(n => n.Version == Needed).IsWeak.Should().BeTrue();
        ElfVersionNeeds.ReadNeeds(patched).Where(n => n.Version != Needed).Should().OnlyContain(n => !n.IsWeak);
    }

    [SkippableFact]
    public void The_build_left_a_weak_need_exactly_when_this_system_lacks_the_version()
    {
        byte[] bytes = LibraryBytes();
        string? system = ElfVersionNeeds.FindSystemLibstdcxx();
        Skip.If(system is null, "no system libstdc++");
        bool systemHasIt = ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(system!)).Contains(Needed);

        ElfVersionNeeds.ReadNeeds(bytes).Single(n => n.Version == Needed).IsWeak.Should().Be(!systemHasIt);
    }

    [SkippableFact]
    public void The_system_libstdcxx_defines_its_own_versions()
    {
        string? system = ElfVersionNeeds.FindSystemLibstdcxx();
        Skip.If(system is null, "no system libstdc++");
        ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(system!)).Should().Contain("GLIBCXX_3.4");
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_recognised_and_refused()
    {
        byte[] text = "not an elf file at all, just text that is long enough to have a header......."u8.ToArray();
        ElfVersionNeeds.IsElf64LittleEndian(text).Should().BeFalse();
        FluentActions.Invoking(() => ElfVersionNeeds.ReadNeeds(text)).Should().Throw<InvalidDataException>();
    }

    [SkippableFact]
    public void A_truncated_library_is_refused_not_misread()
    {
        byte[] truncated = LibraryBytes()[..4096];
        FluentActions.Invoking(() => ElfVersionNeeds.ReadNeeds(truncated))
            .Should().Throw<InvalidDataException>().WithMessage("*truncated*");
    }

    private static void ClearWeak(byte[] bytes)
    {
        var need = ElfVersionNeeds.ReadNeeds(bytes).Single(n => n.Version == Needed);
        bytes[need.FlagsOffset] &= unchecked((byte)~ElfVersionNeeds.VerFlagWeak);
    }
}
