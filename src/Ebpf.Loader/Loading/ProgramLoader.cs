using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Ebpf.Asm;
using Ebpf.Linking;
using Ebpf.Native;
using Ebpf.Object;
using Ebpf.Object.Data;
using Ebpf.Object.Programs;
using Ebpf.Object.Relocations;

namespace Ebpf.Loading;

/// <summary>Links, relocates and loads one program; a refusal becomes an exception with the log and the source line.</summary>
internal sealed partial class ProgramLoader(BpfObjectFile spec, BpfLoadOptions options, ObjectBtf? btf, BpfBtfFd? btfFd,
    IReadOnlyDictionary<string, BpfMap> maps, IReadOnlyDictionary<DataSection, BpfMap> dataMaps)
{
    private const int FuncInfoSize = 8;
    private const int LineInfoSize = 16;

    public BpfProgram Load(ProgramSpec program)
    {
        var def = program.Definition ?? throw program.SectionError!;
        var linked = CoRe.CoReRelocator.Apply(spec, ProgramLinker.Link(program)); // CO-RE first: it patches offsets and constants, not map fds
        var instructions = Relocate(linked);
        var code = InstructionEncoder.Encode(instructions);

        var flags = BpfProgLoadFlags.None;
        if (def.Sleepable) flags |= BpfProgLoadFlags.Sleepable;
        if (def.XdpFrags) flags |= BpfProgLoadFlags.XdpHasFrags;
        var request = new ProgLoadRequest(def.ProgramType, code, spec.License)
        {
            Name = ObjectLoader.KernelName(program.Name),
            ExpectedAttachType = def.ExpectedAttachType,
            Flags = flags,
            LogLevel = options.LogLevel,
            KernelVersion = spec.KernelVersion ?? 0,
            AttachBtfId = KernelTypes.AttachBtfId(def, program.Name),
        };
        if (btf is not null && btfFd is not null && linked.FuncInfos.Count > 0)
        {
            request.Btf = btfFd;
            request.FuncInfo = FuncInfo(linked);
            request.FuncInfoRecordSize = FuncInfoSize;
            request.LineInfo = LineInfo(linked, btf);
            request.LineInfoRecordSize = LineInfoSize;
        }
        try
        {
            return new BpfProgram(program.Name, Bpf.ProgLoad(request), program, linked);
        }
        catch (BpfVerifierException e)
        {
            throw Rejected(program, linked, e);
        }
        catch (BpfSyscallException e)
        {
            throw new BpfLoadException($"program '{program.Name}' (section \"{program.SectionName}\") could not be loaded: {e.Message}", e);
        }
    }

    private Instruction[] Relocate(LinkedProgram linked)
    {
        var instructions = (Instruction[])linked.Instructions.Clone();
        var slots = SlotMap.For(instructions);
        foreach (var r in linked.Relocations)
        {
            var index = slots.IndexOfSlot(r.InstructionOffset);
            var ins = instructions[index];
            instructions[index] = r.Kind switch
            {
                RelocationKind.Map => ins.WithPseudoSource(LdImm64Source.MapFd).WithConstant((uint)maps[r.Map!.Name].Fd.Fd),
                RelocationKind.GlobalData => ins.WithPseudoSource(LdImm64Source.MapValue)
                    .WithConstant(((long)r.DataOffset << 32) | (uint)dataMaps[r.Data!].Fd.Fd),
                _ => throw new BpfLoadException($"program '{linked.Main.Name}' refers to extern '{r.SymbolName}' (a kfunc, ksym or Kconfig value), which this loader does not resolve yet"),
            };
        }
        return instructions;
    }

    private static byte[] FuncInfo(LinkedProgram linked)
    {
        var bytes = new byte[linked.FuncInfos.Count * FuncInfoSize];
        for (var i = 0; i < linked.FuncInfos.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * FuncInfoSize), linked.FuncInfos[i].InstructionOffset);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * FuncInfoSize + 4), linked.FuncInfos[i].TypeId);
        }
        return bytes;
    }

    private static byte[] LineInfo(LinkedProgram linked, ObjectBtf btf)
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

    [GeneratedRegex(@"^(\d+): \(", RegexOptions.Multiline)]
    private static partial Regex InstructionLine();

    /// <summary>The verifier's log names each instruction it walks; the last one is where it gave up.</summary>
    private static BpfProgramRejectedException Rejected(ProgramSpec program, LinkedProgram linked, BpfVerifierException e)
    {
        int? slot = null;
        foreach (Match m in InstructionLine().Matches(e.Log))
            slot = int.Parse(m.Groups[1].Value);
        string? source = null;
        if (slot is { } s)
        {
            var line = linked.LineInfos.Where(l => l.InstructionOffset <= s && l.Line != 0).OrderBy(l => l.InstructionOffset).LastOrDefault();
            if (line.FileName is not null)
                source = $"{Path.GetFileName(line.FileName)}:{line.Line}: {line.LineText.Trim()}";
        }
        var reason = e.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.StartsWith("processed ", StringComparison.Ordinal) && !l.StartsWith("verification time", StringComparison.Ordinal) && !l.StartsWith("stack depth", StringComparison.Ordinal)) ?? "no log";
        reason = CoRe.CoRePoison.Explain(linked, slot, reason); // a reached instruction whose CO-RE relocation failed says so
        var where = slot is null ? "" : $" at instruction {slot}" + (source is null ? "" : $" ({source})");
        var message = $"program '{program.Name}' (section \"{program.SectionName}\") was refused by the verifier{where}: {reason}{Environment.NewLine}{e.Message}";
        return new BpfProgramRejectedException(program.Name, message, e.Log, slot, source, e);
    }
}
