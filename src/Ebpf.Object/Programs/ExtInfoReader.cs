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
            ext.FuncInfos.TryGetValue(section, out var funcs);
            ext.LineInfos.TryGetValue(section, out var lines);
            ext.CoreRelocations.TryGetValue(section, out var relos);
            foreach (var f in functions)
            {
                if (funcs is not null)
                    f.FuncInfos = Within(f, funcs, r => r.InstructionOffset, (slot, r) => new ProgramFuncInfo(slot, r.TypeId));
                if (lines is not null)
                    f.LineInfos = Within(f, lines, r => r.InstructionOffset, (slot, r) => new ProgramLineInfo(slot, r.FileName, r.LineText, (int)r.Line, (int)r.Column));
                if (relos is not null)
                    f.CoreRelocations = Within(f, relos, r => r.InstructionOffset, (slot, r) => new ProgramCoreRelocation(slot, r.TypeId, r.AccessString, r.Kind));
            }
        }
    }

    // Whether each record list is sorted by offset (it is in every object clang writes), by list.
    private readonly Dictionary<object, bool> _sorted = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The records of <paramref name="records"/> inside <paramref name="f"/>, in record order, offsets made relative to it.
    /// When the records are sorted by offset, the function's run is found by binary search instead of scanning every
    /// record of the section for each of its functions.
    /// </summary>
    private List<TOut> Within<TIn, TOut>(ProgramSpec f, IReadOnlyList<TIn> records, Func<TIn, uint> byteOffset, Func<int, TIn, TOut> make)
    {
        var result = new List<TOut>();
        var start = f.ByteOffset;
        var end = start + f.SlotCount * 8L;
        if (!_sorted.TryGetValue(records, out var sorted))
            _sorted[records] = sorted = IsSorted(records, byteOffset);
        if (sorted)
        {
            int lo = 0, hi = records.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (byteOffset(records[mid]) < start) lo = mid + 1;
                else hi = mid;
            }
            for (var i = lo; i < records.Count; i++)
            {
                var r = records[i];
                long offset = byteOffset(r);
                if (offset >= end)
                    break;
                Add(r, offset);
            }
            return result;
        }
        foreach (var r in records)
        {
            long offset = byteOffset(r);
            if (offset >= start && offset < end)
                Add(r, offset);
        }
        return result;

        void Add(TIn r, long offset)
        {
            if (offset % 8 != 0)
                throw new InvalidObjectException($"{obj.Source}: .BTF.ext record at offset {offset} of {f.SectionName} is not at an instruction boundary");
            result.Add(make((int)((offset - start) / 8), r));
        }
    }

    private static bool IsSorted<T>(IReadOnlyList<T> records, Func<T, uint> byteOffset)
    {
        for (var i = 1; i < records.Count; i++)
            if (byteOffset(records[i]) < byteOffset(records[i - 1]))
                return false;
        return true;
    }
}
