using Ebpf.Object.Writing;
using Ebpf.Tests;

namespace Ebpf.Object.Tests.Writing;

/// <summary>
/// clang's fixtures, read and written again through the builder, against the originals as LLVM's tools see them:
/// the same instructions per function, and the same sections, symbols and relocations (DWARF aside).
/// </summary>
public sealed class ClangComparisonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ebpf-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Rebuilt => ["cgroup_skb.o", "subprog.o", "global_data.o"];

    private string Rebuild(string fixture)
    {
        var path = Path.Combine(_dir, fixture);
        File.WriteAllBytes(path, ObjectRebuilder.Rebuild(BpfObjectFile.Read(Fixtures.Path(fixture))).Build());
        return path;
    }

    // What clang writes that the builder leaves out on purpose: DWARF, relocations of .BTF/.BTF.ext for the linker, addrsig.
    private static bool IsDebugOrLinkerOnly(string section) =>
        section.StartsWith(".debug", StringComparison.Ordinal) || section.StartsWith(".rel.debug", StringComparison.Ordinal)
        || section.StartsWith(".rel.BTF", StringComparison.Ordinal) || section == ".llvm_addrsig";

    [Theory, MemberData(nameof(Rebuilt))]
    public void Every_function_disassembles_as_clangs(string fixture)
    {
        var clang = LlvmTools.Disassembly(Fixtures.Path(fixture));
        var ours = LlvmTools.Disassembly(Rebuild(fixture));
        Assert.Equal(clang.Keys.Order(), ours.Keys.Order());
        foreach (var (function, lines) in clang)
            Assert.Equal(lines, ours[function]);
    }

    [Theory, MemberData(nameof(Rebuilt))]
    public void Sections_have_clangs_names_types_and_flags(string fixture)
    {
        var clang = LlvmTools.ReadElf(Fixtures.Path(fixture)).Sections.Where(s => !IsDebugOrLinkerOnly(s.Name));
        var ours = LlvmTools.ReadElf(Rebuild(fixture)).Sections;
        Assert.Equal(clang.OrderBy(s => s.Name), ours.OrderBy(s => s.Name));
    }

    [Theory, MemberData(nameof(Rebuilt))]
    public void Functions_and_objects_have_clangs_symbols(string fixture)
    {
        static IEnumerable<object> Named(IEnumerable<LlvmTools.Symbol> symbols) => symbols
            .Where(s => s.Type is "FUNC" or "OBJECT")
            .Select(s => (s.Name, s.Type, s.Bind, s.Section, s.Size, Value: s.Section == ".maps" ? 0 : s.Value)) // clang orders .maps its own way
            .OrderBy(s => s.Name).Cast<object>();
        var clang = LlvmTools.ReadElf(Fixtures.Path(fixture)).Symbols;
        var ours = LlvmTools.ReadElf(Rebuild(fixture)).Symbols;
        Assert.Equal(Named(clang), Named(ours));
        // Every section symbol clang writes for code or data, the builder writes too.
        Assert.Subset(ours.Where(s => s.Type == "SECTION").Select(s => s.Name).ToHashSet(),
            clang.Where(s => s.Type == "SECTION" && !IsDebugOrLinkerOnly(s.Name)).Select(s => s.Name).ToHashSet());
        // sh_info: locals first, nothing local after the first global.
        var firstGlobal = ours.FindIndex(s => s.Bind == "GLOBAL");
        Assert.DoesNotContain(ours.Skip(firstGlobal), s => s.Bind == "LOCAL");
    }

    [Theory, MemberData(nameof(Rebuilt))]
    public void Code_relocations_have_clangs_offsets_types_and_symbols(string fixture)
    {
        var clang = LlvmTools.ReadElf(Fixtures.Path(fixture)).Relocations.Where(r => !IsDebugOrLinkerOnly(r.Section));
        var ours = LlvmTools.ReadElf(Rebuild(fixture)).Relocations;
        Assert.NotEmpty(ours);
        Assert.Equal(clang, ours);
    }
}
