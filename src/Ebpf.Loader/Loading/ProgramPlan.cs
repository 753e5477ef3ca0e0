using System.Buffers.Binary;
using Ebpf.Asm;
using Ebpf.CoRe;
using Ebpf.Linking;
using Ebpf.Native;
using Ebpf.Object;
using Ebpf.Object.Data;
using Ebpf.Object.Programs;
using Ebpf.Object.Relocations;

namespace Ebpf.Loading;

/// <summary>
/// One program made ready for BPF_PROG_LOAD, apart from map descriptors: linked with its subprograms, CO-RE
/// relocations applied, encoded, with every map and global-data reference already marked as such
/// (BPF_PSEUDO_MAP_FD / BPF_PSEUDO_MAP_VALUE with the value offset) so that a load only writes descriptors into a copy.
/// </summary>
internal sealed class ProgramPlan
{
    public const int FuncInfoSize = 8;
    public const int LineInfoSize = 16;

    /// <summary>A slot whose imm takes the descriptor of a map (<see cref="MapName"/>) or a global-data map (<see cref="Data"/>).</summary>
    public readonly record struct FdSite(int ImmOffset, string? MapName, DataSection? Data);

    private ProgramPlan(LinkedProgram linked, byte[] code, FdSite[] sites, byte[] funcInfo, byte[] lineInfo, string kernelName,
        BpfProgLoadFlags flags, uint attachBtfId)
    {
        Linked = linked; Code = code; Sites = sites; FuncInfo = funcInfo; LineInfo = lineInfo; KernelName = kernelName;
        Flags = flags; AttachBtfId = attachBtfId;
    }

    /// <summary>The program as loaded, before descriptors (what <see cref="BpfProgram.Linked"/> shows).</summary>
    public LinkedProgram Linked { get; }

    /// <summary>Encoded instructions; the imm of each <see cref="Sites"/> entry is still 0.</summary>
    public byte[] Code { get; }

    public FdSite[] Sites { get; }
    public byte[] FuncInfo { get; }
    public byte[] LineInfo { get; }
    public string KernelName { get; }
    public BpfProgLoadFlags Flags { get; }
    public uint AttachBtfId { get; }

    public static ProgramPlan Build(BpfObjectFile spec, ProgramSpec program, ObjectPlan objectPlan)
    {
        var def = program.Definition ?? throw program.SectionError!;
        var linked = CoReRelocator.Apply(spec, ProgramLinker.Link(program)); // CO-RE first: it patches offsets and constants, not map fds
        var instructions = (Instruction[])linked.Instructions.Clone();
        var sites = linked.Relocations.Count == 0 ? [] : new FdSite[linked.Relocations.Count];
        if (sites.Length > 0)
        {
            var slots = SlotMap.For(instructions);
            for (var i = 0; i < sites.Length; i++)
            {
                var r = linked.Relocations[i];
                var index = slots.IndexOfSlot(r.InstructionOffset);
                var ins = instructions[index];
                (instructions[index], sites[i]) = r.Kind switch
                {
                    RelocationKind.Map => (ins.WithPseudoSource(LdImm64Source.MapFd).WithConstant(0), new FdSite(r.InstructionOffset * 8 + 4, r.Map!.Name, null)),
                    RelocationKind.GlobalData => (ins.WithPseudoSource(LdImm64Source.MapValue).WithConstant((long)r.DataOffset << 32),
                        new FdSite(r.InstructionOffset * 8 + 4, null, r.Data!)),
                    _ => throw new BpfLoadException($"program '{linked.Main.Name}' refers to extern '{r.SymbolName}' (a kfunc, ksym or Kconfig value), which this loader does not resolve yet"),
                };
            }
        }
        var code = InstructionEncoder.Encode(instructions);

        var flags = BpfProgLoadFlags.None;
        if (def.Sleepable) flags |= BpfProgLoadFlags.Sleepable;
        if (def.XdpFrags) flags |= BpfProgLoadFlags.XdpHasFrags;
        var btf = linked.FuncInfos.Count > 0 ? objectPlan.Btf : null;
        var funcInfo = btf is null ? [] : FuncInfoBytes(linked);
        var lineInfo = btf is null ? [] : LineInfoBytes(linked, btf);
        var attachBtfId = KernelTypes.AttachBtfId(def, program.Name);
        return new ProgramPlan(linked, code, sites, funcInfo, lineInfo, ObjectLoader.KernelName(program.Name), flags, attachBtfId);
    }

    private static byte[] FuncInfoBytes(LinkedProgram linked)
    {
        var bytes = new byte[linked.FuncInfos.Count * FuncInfoSize];
        for (var i = 0; i < linked.FuncInfos.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * FuncInfoSize), linked.FuncInfos[i].InstructionOffset);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * FuncInfoSize + 4), linked.FuncInfos[i].TypeId);
        }
        return bytes;
    }

    private static byte[] LineInfoBytes(LinkedProgram linked, ObjectBtf btf)
    {
        var bytes = new byte[linked.LineInfos.Count * LineInfoSize];
        for (var i = 0; i < linked.LineInfos.Count; i++)
        {
            var l = linked.LineInfos[i];
            var span = bytes.AsSpan(i * LineInfoSize);
            BinaryPrimitives.WriteInt32LittleEndian(span, l.InstructionOffset);
            BinaryPrimitives.WriteInt32LittleEndian(span[4..], btf.StringOffset(l.FileName));
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], btf.StringOffset(l.LineText));
            BinaryPrimitives.WriteUInt32LittleEndian(span[12..], ((uint)l.Line << 10) | ((uint)l.Column & 0x3ff));
        }
        return bytes;
    }
}
