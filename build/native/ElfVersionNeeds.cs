// Reads and edits the GNU symbol-versioning sections of an ELF64 little-endian shared
// library, just enough to let TorchSharp's libLibTorchSharp.so load on a system whose
// libstdc++ predates GCC 13 (Debian 12 stops at GLIBCXX_3.4.30).
//
// libLibTorchSharp.so 0.107.0 asks libstdc++.so.6 for GLIBCXX_3.4.32 only because GCC 13's
// <iostream> references std::ios_base_library_init() as a version anchor; no relocation
// uses that symbol. Marking that one version need weak (VER_FLG_WEAK in vna_flags) turns
// the loader's fatal "version not found" into a note, and the library works normally.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory for the build-time task
// (see TorchSharpNative.targets; it targets netstandard2.0, hence no spans or records) and
// by the unit tests, which define HOMEWORK_NO_MSBUILD_TASK to leave the task class out.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Homework.Build
{
    /// <summary>One version a library needs from another (an ELF Vernaux record).</summary>
    public sealed class VersionNeed
    {
        public VersionNeed(string file, string version, int index, int flags, int flagsOffset)
        {
            File = file; Version = version; Index = index; Flags = flags; FlagsOffset = flagsOffset;
        }

        /// <summary>The library the version is needed from, e.g. <c>libstdc++.so.6</c>.</summary>
        public string File { get; }
        /// <summary>The version name, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        public string Version { get; }
        /// <summary>vna_other: the index that .gnu.version entries use to point at this need.</summary>
        public int Index { get; }
        /// <summary>vna_flags.</summary>
        public int Flags { get; }
        /// <summary>File offset of vna_flags, where the weak bit is set.</summary>
        public int FlagsOffset { get; }
        public bool IsWeak => (Flags & ElfVersionNeeds.VerFlagWeak) != 0;
        public override string ToString() => $"{File}:{Version}{(IsWeak ? " (weak)" : "")}";
    }

    /// <summary>What <see cref="ElfVersionNeeds.Plan"/> decided for one version need.</summary>
    public sealed class PatchDecision
    {
        public PatchDecision(VersionNeed need, bool patch, string reason)
        {
            Need = need; Patch = patch; Reason = reason;
        }

        public VersionNeed Need { get; }
        public bool Patch { get; }
        public string Reason { get; }
    }

    public static class ElfVersionNeeds
    {
        public const int VerFlagWeak = 0x2;
        const uint ShtDynsym = 11;
        const uint ShtGnuVerdef = 0x6ffffffd;
        const uint ShtGnuVerneed = 0x6ffffffe;
        const uint ShtGnuVersym = 0x6fffffff;

        /// <summary>Every version the library needs from other libraries.</summary>
        public static IReadOnlyList<VersionNeed> ReadNeeds(byte[] elf)
        {
            var result = new List<VersionNeed>();
            foreach (var section in Sections(elf).Where(s => s.Type == ShtGnuVerneed))
            {
                var strings = Sections(elf)[section.Link];
                long need = section.Offset;
                for (int n = 0; n < section.Info; n++)
                {
                    int count = U16(elf, need + 2);
                    string file = CString(elf, strings.Offset + U32(elf, need + 4));
                    long aux = need + U32(elf, need + 8);
                    for (int a = 0; a < count; a++)
                    {
                        int flags = U16(elf, aux + 4);
                        int index = U16(elf, aux + 6);
                        string version = CString(elf, strings.Offset + U32(elf, aux + 8));
                        result.Add(new VersionNeed(file, version, index, flags, checked((int)(aux + 4))));
                        aux += U32(elf, aux + 12);
                    }
                    long next = U32(elf, need + 12);
                    if (next == 0) break;
                    need += next;
                }
            }
            return result;
        }

        /// <summary>Every version name the library defines (what a libstdc++ provides).</summary>
        public static ISet<string> ReadDefinitions(byte[] elf)
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            foreach (var section in Sections(elf).Where(s => s.Type == ShtGnuVerdef))
            {
                var strings = Sections(elf)[section.Link];
                long def = section.Offset;
                for (int d = 0; d < section.Info; d++)
                {
                    long aux = def + U32(elf, def + 12);
                    result.Add(CString(elf, strings.Offset + U32(elf, aux)));
                    long next = U32(elf, def + 16);
                    if (next == 0) break;
                    def += next;
                }
            }
            return result;
        }

        /// <summary>Names of the dynamic symbols bound to a version index (from .gnu.version).</summary>
        public static IReadOnlyList<string> SymbolsBoundTo(byte[] elf, int versionIndex)
        {
            var sections = Sections(elf);
            var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
            var dynsym = sections.FirstOrDefault(s => s.Type == ShtDynsym);
            var result = new List<string>();
            if (versym == null || dynsym == null) return result;
            var strings = sections[dynsym.Link];
            long count = dynsym.Size / 24;
            for (long i = 0; i < count; i++)
            {
                if ((U16(elf, versym.Offset + 2 * i) & 0x7fff) != versionIndex) continue;
                result.Add(CString(elf, strings.Offset + U32(elf, dynsym.Offset + 24 * i)));
            }
            return result;
        }

        /// <summary>
        /// Decides, for each of <paramref name="versions"/> that <paramref name="library"/> needs
        /// from <paramref name="dependency"/>, whether marking it weak is both necessary (the
        /// system library does not define it) and safe (only anchor symbols are bound to it).
        /// </summary>
        public static IReadOnlyList<PatchDecision> Plan(
            byte[] library, ISet<string> systemDefinitions, string dependency,
            IEnumerable<string> versions, IEnumerable<string> anchorSymbols)
        {
            var wanted = new HashSet<string>(versions, StringComparer.Ordinal);
            var anchors = new HashSet<string>(anchorSymbols, StringComparer.Ordinal);
            var decisions = new List<PatchDecision>();
            foreach (var need in ReadNeeds(library).Where(n => n.File == dependency && wanted.Contains(n.Version)))
            {
                if (need.IsWeak)
                    decisions.Add(new PatchDecision(need, false, "already weak"));
                else if (systemDefinitions.Contains(need.Version))
                    decisions.Add(new PatchDecision(need, false, $"the system {dependency} provides {need.Version}"));
                else
                {
                    var bound = SymbolsBoundTo(library, need.Index);
                    var unexpected = bound.Where(s => !anchors.Contains(s)).ToList();
                    decisions.Add(unexpected.Count == 0
                        ? new PatchDecision(need, true, $"the system {dependency} lacks {need.Version}; only anchor symbols use it ({string.Join(", ", bound)})")
                        : new PatchDecision(need, false, $"unsafe: symbols other than anchors need {need.Version}: {string.Join(", ", unexpected.Take(5))}"));
                }
            }
            return decisions;
        }

        /// <summary>Sets VER_FLG_WEAK on one version need, in place.</summary>
        public static void MarkWeak(byte[] elf, VersionNeed need)
        {
            int flags = U16(elf, need.FlagsOffset) | VerFlagWeak;
            elf[need.FlagsOffset] = (byte)flags;
            elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
        }

        /// <summary>
        /// The path of the libstdc++.so.6 this process loaded (the dynamic loader's choice),
        /// else the first of the usual places that exists; null when there is none.
        /// </summary>
        public static string? FindSystemLibstdcxx()
        {
            try
            {
                foreach (var line in System.IO.File.ReadLines("/proc/self/maps"))
                {
                    int slash = line.IndexOf('/');
                    if (slash < 0) continue;
                    string path = line.Substring(slash).Trim();
                    if (Path.GetFileName(path).StartsWith("libstdc++.so.6", StringComparison.Ordinal)) return path;
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            string[] usual =
            {
                "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            };
            return usual.FirstOrDefault(System.IO.File.Exists);
        }

        public static bool IsElf64LittleEndian(byte[] bytes) =>
            bytes.Length >= 64 && bytes[0] == 0x7f && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F'
            && bytes[4] == 2 && bytes[5] == 1;

        sealed class Section
        {
            public uint Type; public long Offset; public long Size; public int Link; public int Info;
        }

        static List<Section> Sections(byte[] elf)
        {
            if (!IsElf64LittleEndian(elf))
                throw new InvalidDataException("not an ELF64 little-endian file");
            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A);
            int shnum = U16(elf, 0x3C);
            if (shentsize != 64 || shoff <= 0 || shoff + (long)shnum * 64 > elf.Length)
                throw new InvalidDataException("the ELF section header table lies outside the file (truncated?)");
            var sections = new List<Section>(shnum);
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + 64L * i;
                var s = new Section
                {
                    Type = U32(elf, h + 4),
                    Offset = (long)U64(elf, h + 0x18),
                    Size = (long)U64(elf, h + 0x20),
                    Link = (int)U32(elf, h + 0x28),
                    Info = (int)U32(elf, h + 0x2C),
                };
                if (s.Type != 8 /* SHT_NOBITS */ && s.Offset + s.Size > elf.Length)
                    throw new InvalidDataException($"ELF section {i} lies outside the file (truncated?)");
                sections.Add(s);
            }
            return sections;
        }

        static int U16(byte[] b, long o)
        {
            Check(b, o, 2);
            return b[o] | (b[o + 1] << 8);
        }

        static uint U32(byte[] b, long o)
        {
            Check(b, o, 4);
            return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
        }

        static ulong U64(byte[] b, long o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);

        static string CString(byte[] b, long o)
        {
            Check(b, o, 1);
            long end = o;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
        }

        static void Check(byte[] b, long o, int size)
        {
            if (o < 0 || o + size > b.Length)
                throw new InvalidDataException($"ELF read at offset {o} runs past the end of the file ({b.Length} bytes)");
        }
    }

#if !HOMEWORK_NO_MSBUILD_TASK
    /// <summary>
    /// MSBuild task: marks the version needs listed in <see cref="Versions"/> weak in the
    /// output copy of a native library when the system's libstdc++ lacks them. The file is
    /// replaced through a temporary file and a rename, so a hard link into the NuGet cache
    /// is never written through; the original timestamp is kept so incremental builds do
    /// not copy the library again.
    /// </summary>
    public sealed class WeakenMissingVersionNeeds : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public string Library { get; set; } = "";
        [Microsoft.Build.Framework.Required] public string Versions { get; set; } = "";
        [Microsoft.Build.Framework.Required] public string AnchorSymbols { get; set; } = "";
        public string Dependency { get; set; } = "libstdc++.so.6";

        public override bool Execute()
        {
            if (!System.IO.File.Exists(Library)) return true;
            string? system = ElfVersionNeeds.FindSystemLibstdcxx();
            if (system == null)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "No system libstdc++.so.6 found; leaving {0} as it is.", Library);
                return true;
            }
            try
            {
                byte[] bytes = System.IO.File.ReadAllBytes(Library);
                if (!ElfVersionNeeds.IsElf64LittleEndian(bytes)) return true;
                var defined = ElfVersionNeeds.ReadDefinitions(System.IO.File.ReadAllBytes(system));
                var decisions = ElfVersionNeeds.Plan(bytes, defined, Dependency,
                    Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries),
                    AnchorSymbols.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries));
                foreach (var d in decisions.Where(d => !d.Patch))
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "{0}: {1} left as it is: {2}", Path.GetFileName(Library), d.Need.Version, d.Reason);
                var patches = decisions.Where(d => d.Patch).ToList();
                if (patches.Count == 0) return true;
                foreach (var d in patches) ElfVersionNeeds.MarkWeak(bytes, d.Need);

                var stamp = System.IO.File.GetLastWriteTimeUtc(Library);
                string temp = Library + ".patching";
                System.IO.File.WriteAllBytes(temp, bytes);
                System.IO.File.SetLastWriteTimeUtc(temp, stamp);
                System.IO.File.Delete(Library);
                System.IO.File.Move(temp, Library);
                foreach (var d in patches)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        "{0}: marked {1} weak ({2}, {3}).", Library, d.Need, system, d.Reason);
                return true;
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogWarning("Could not check {0} against {1}: {2}. If TorchSharp then fails to load, see README.md, 'Platform notes'.", Library, system, e.Message);
                return true;
            }
        }
    }
#endif
}
