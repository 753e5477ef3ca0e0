using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Fuzz.Tests.Fuzzing;

/// <summary>A valid input and its fields; for .BTF.ext, the BTF its records refer to.</summary>
public sealed record Seed(string Name, TargetKind Kind, byte[] Bytes, FieldMap Map, BtfSpec? ExtBtf = null);

/// <summary>
/// The seeds: every clang fixture (tests/fixtures/out/*.o) and objects the C# compiler writes, each as a whole
/// object, as its raw .BTF and as its .BTF.ext.
/// </summary>
public static class Seeds
{
    private static readonly Lazy<IReadOnlyList<Seed>> All = new(Build);

    public static IReadOnlyList<Seed> Get() => All.Value;

    /// <summary>Program classes of the compiler corpus: maps of every style, global data, log sites, tail calls.</summary>
    private static readonly Type[] CompiledClasses = [typeof(MapPrograms), typeof(GlobalPrograms), typeof(MixedPrograms), typeof(TailCallPrograms), typeof(PacketPrograms)];

    private static List<Seed> Build()
    {
        var objects = Fixtures.All().Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        foreach (var type in CompiledClasses)
            objects.Add(($"C#:{type.Name}", ProgramCompiler.Compile(type)));
        var seeds = new List<Seed>();
        foreach (var (name, bytes) in objects)
        {
            seeds.Add(new Seed(name, TargetKind.Elf, bytes, Layouts.Elf(bytes)));
            if (Layouts.SectionBytes(bytes, ".BTF") is not { } btf) continue;
            var btfMap = Layouts.Btf(btf);
            seeds.Add(new Seed($"{name}/.BTF", TargetKind.Btf, btf, btfMap));
            if (Layouts.SectionBytes(bytes, ".BTF.ext") is not { } ext) continue;
            var spec = BtfSpec.Parse(btf);
            seeds.Add(new Seed($"{name}/.BTF.ext", TargetKind.BtfExt, ext, Layouts.BtfExt(ext, spec.StringTableLength, spec.Count), spec));
        }
        return seeds;
    }
}
