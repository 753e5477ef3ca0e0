namespace Ebpf.Object.Programs;

/// <summary>
/// Splits the per-section records of .BTF.ext among the functions of each section, turning
/// section byte offsets into slot offsets from each function's start (what the kernel expects per program).
/// </summary>
internal sealed class ExtInfoReader(BpfObjectFile obj)
{
    public void Attach(Dictionary<int, List<ProgramSpec>> functionsBySection)
    {
        if (obj.BtfExt is not { } ext)
            return;
        foreach (var functions in functionsBySection.Values)
        {
            if (functions.Count == 0)
                continue;
            var section = functions[0].SectionName;
            foreach (var f in functions)
            {
                if (ext.FuncInfos.TryGetValue(section, out var funcs))
                    f.FuncInfos = Within(f, funcs, r => r.InstructionOffset, (slot, r) => new ProgramFuncInfo(slot, r.TypeId));
                if (ext.LineInfos.TryGetValue(section, out var lines))
                    f.LineInfos = Within(f, lines, r => r.InstructionOffset, (slot, r) => new ProgramLineInfo(slot, r.FileName, r.LineText, (int)r.Line, (int)r.Column));
                if (ext.CoreRelocations.TryGetValue(section, out var relos))
                    f.CoreRelocations = Within(f, relos, r => r.InstructionOffset, (slot, r) => new ProgramCoreRelocation(slot, r.TypeId, r.AccessString, r.Kind));
            }
        }
    }

    private List<TOut> Within<TIn, TOut>(ProgramSpec f, IReadOnlyList<TIn> records, Func<TIn, uint> byteOffset, Func<int, TIn, TOut> make)
    {
        var result = new List<TOut>();
        var start = f.ByteOffset;
        var end = start + f.SlotCount * 8L;
        foreach (var r in records)
        {
            long offset = byteOffset(r);
            if (offset < start || offset >= end)
                continue;
            if (offset % 8 != 0)
                throw new InvalidObjectException($"{obj.Source}: .BTF.ext record at offset {offset} of {f.SectionName} is not at an instruction boundary");
            result.Add(make((int)((offset - start) / 8), r));
        }
        return result;
    }
}
