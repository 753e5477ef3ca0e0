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

    /// <summary>An instruction (at <see cref="ByteOffset"/>) that refers to a ksym or kfunc, patched per load (see <see cref="Externs.ExternPatch"/>).</summary>
    public readonly record struct ExternSite(int ByteOffset, bool IsCall, Object.Externs.ExternSpec Extern);

    private ProgramPlan(LinkedProgram linked, byte[] code, FdSite[] sites, ExternSite[] externs, byte[] funcInfo, byte[] lineInfo, string kernelName,
        BpfProgLoadFlags flags)
    {
        Linked = linked; Code = code; Sites = sites; Externs = externs; FuncInfo = funcInfo; LineInfo = lineInfo; KernelName = kernelName;
        Flags = flags;
    }

    /// <summary>The program as loaded, before descriptors (what <see cref="BpfProgram.Linked"/> shows).</summary>
    public LinkedProgram Linked { get; }

    /// <summary>Encoded instructions; the imm of each <see cref="Sites"/> entry is still 0.</summary>
    public byte[] Code { get; }

    public FdSite[] Sites { get; }
    public ExternSite[] Externs { get; }
    public byte[] FuncInfo { get; }
    public byte[] LineInfo { get; }
    public string KernelName { get; }
    public BpfProgLoadFlags Flags { get; }

    public static ProgramPlan Build(BpfObjectFile spec, ProgramSpec program, ObjectPlan objectPlan)
    {
        var def = program.Definition; // null for a section the table does not know, loaded with ProgramOptions.Type
        var linked = CoReRelocator.Apply(spec, ProgramLinker.Link(program), objectPlan.CoreTarget); // CO-RE first: it patches offsets and constants, not map fds
        var instructions = (Instruction[])linked.Instructions.Clone();
        var sites = new List<FdSite>();
        var externs = new List<ExternSite>();
        if (linked.Relocations.Count > 0)
        {
            var slots = SlotMap.For(instructions);
            foreach (var r in linked.Relocations)
            {
                var index = slots.IndexOfSlot(r.InstructionOffset);
                var ins = instructions[index];
                switch (r.Kind)
                {
                    case RelocationKind.Map:
                        instructions[index] = ins.WithPseudoSource(LdImm64Source.MapFd).WithConstant(0);
                        sites.Add(new FdSite(r.InstructionOffset * 8 + 4, r.Map!.Name, null));
                        break;
                    case RelocationKind.GlobalData:
                        instructions[index] = ins.WithPseudoSource(LdImm64Source.MapValue).WithConstant((long)r.DataOffset << 32);
                        sites.Add(new FdSite(r.InstructionOffset * 8 + 4, null, r.Data!));
                        break;
                    case RelocationKind.Extern when r.Extern is { } e:
                        externs.Add(new ExternSite(r.InstructionOffset * 8, ins.IsCall, e));
                        break;
                    default:
                        throw new BpfLoadException($"program '{linked.Main.Name}' refers to '{r.SymbolName}' ({r.Kind}) at instruction {r.InstructionOffset}, which the loader cannot relocate");
                }
            }
        }
        var code = InstructionEncoder.Encode(instructions);

        var flags = BpfProgLoadFlags.None;
        if (def?.Sleepable == true) flags |= BpfProgLoadFlags.Sleepable;
        if (def?.XdpFrags == true) flags |= BpfProgLoadFlags.XdpHasFrags;
        var btf = linked.FuncInfos.Count > 0 ? objectPlan.Btf : null;
        var funcInfo = btf is null ? [] : FuncInfoBytes(linked);
        var lineInfo = btf is null ? [] : LineInfoBytes(linked, btf);
        return new ProgramPlan(linked, code, [.. sites], [.. externs], funcInfo, lineInfo, BpfObjectName.ForKernel(program.Name), flags);
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
