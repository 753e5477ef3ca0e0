using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Object.Elf;
using Ebpf.Object.UsdtNotes;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Fuzz.Tests.Fuzzing;

/// <summary>
/// What a mutant is fed to: the whole object reader, the raw BTF parser, the .BTF.ext parser, or the reader of the
/// executables uprobes and USDT probes attach to (symbols, segments, .note.stapsdt and its argument text).
/// </summary>
public enum TargetKind { Elf, Btf, BtfExt, Binary }

/// <summary>
/// Runs one input through a reader and then through what users do with its result (every BTF type decoded,
/// sized, aligned, printed as C and as a value, written back; the log-site table; map key and value types),
/// so lazy parts are reached too. Whatever it throws is judged by <see cref="FuzzRunner"/>.
/// </summary>
public static class Targets
{
    /// <summary>Types looked at per BTF: enough to reach every kind in the seeds without making big mutants slow.</summary>
    private const int TypesExercised = 400;

    public static void Run(TargetKind kind, byte[] input, BtfSpec? extBtf)
    {
        switch (kind)
        {
            case TargetKind.Elf: Object(input); break;
            case TargetKind.Btf: Types(BtfSpec.Parse(input)); break;
            case TargetKind.Binary: Binary(input); break;
            default: Ext(BtfExt.Parse(input, extBtf ?? throw new ArgumentNullException(nameof(extBtf)))); break;
        }
    }

    private static void Object(byte[] input)
    {
        var obj = BpfObjectFile.Read(input.AsMemory(), "mutant");
        _ = obj.LogSites.Sites.Count;
        if (obj.Btf is { } btf)
        {
            Types(btf);
            foreach (var map in obj.Maps)
                foreach (var id in new[] { map.KeyTypeId, map.ValueTypeId })
                    if (id is { } t) Expect(() => BtfValueFormatter.Format(btf, t, new byte[Math.Min(map.ValueSize, 4096u)]));
        }
        if (obj.BtfExt is { } ext) Ext(ext);
    }

    private static void Types(BtfSpec btf)
    {
        int n = Math.Min(btf.Count, TypesExercised);
        for (int id = 0; id < n; id++)
        {
            _ = btf[id].ToString();
            _ = btf.KindOf(id);
            Expect(() => BtfPrinter.Describe(btf, id));
            Expect(() => BtfPrinter.ToC(btf, id));
            Expect(() => btf.Skip(id));
            Expect(() => btf.AlignOf(id));
            Expect(() => btf.IsPacked(id));
            long size = 0;
            Expect(() => size = btf.SizeOf(id));
            var value = new byte[Math.Clamp(size, 0, 512)];
            for (int i = 0; i < value.Length; i++) value[i] = (byte)(i * 37 + id);
            Expect(() => BtfValueFormatter.Format(btf, id, value));
        }
        Expect(() => BtfSpec.Parse(btf.ToBytes()));
        _ = btf.FindByName("task_struct");
    }

    private static void Binary(byte[] input)
    {
        var binary = ElfBinary.Parse(input, "mutant");
        foreach (var symbol in binary.StaticSymbols.Concat(binary.DynamicSymbols))
            binary.TryFileOffset(symbol.Value, out _);
        Expect(() => binary.FunctionOffset("main"));
        Expect(() => UsdtProbe.ReadAll(binary));
    }

    private static void Ext(BtfExt ext)
    {
        _ = ext.FuncInfos.Count + ext.LineInfos.Count + ext.CoreRelocations.Count;
        Expect(() => ext.ToBytes());
    }

    // The library's own exception is a valid answer to bad input, and the next step is tried; anything else goes up to the runner.
    private static void Expect(Action action)
    {
        try { action(); }
        catch (BpfException) { }
    }
}
