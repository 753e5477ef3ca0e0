using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A BPF_MAP_TYPE_PROG_ARRAY: the jump table of <c>bpf_tail_call</c>. Slots are set to programs and cleared;
/// reading a slot gives the program's id. The kernel empties the array when the last user-space descriptor of
/// the map closes, unless it is pinned or held by a program that is attached.
/// </summary>
public sealed class BpfProgramArray : BpfMapView
{
    internal BpfProgramArray(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.KeySize<uint>(map);
        MapChecks.ValueSize<uint>(map);
    }

    /// <summary>max_entries: the number of slots.</summary>
    public uint Length => MaxEntries;

    /// <summary>Puts <paramref name="program"/> in slot <paramref name="index"/> (its type must match the caller's).</summary>
    public void Set(uint index, BpfProgram program)
    {
        CheckIndex(index);
        FdValue.Update(Fd, in index, program.Fd, BpfUpdateFlags.Any);
    }

    /// <summary>Empties the slot; false when it was empty.</summary>
    public bool Clear(uint index)
    {
        CheckIndex(index);
        return Elements.Delete(Fd, in index);
    }

    /// <summary>The id of the program in the slot, or null when it is empty.</summary>
    public uint? GetId(uint index)
    {
        CheckIndex(index);
        return Elements.TryLookup(Fd, in index, out uint id) ? id : null;
    }

    private void CheckIndex(uint index)
    {
        if (index >= Length) throw new BpfException($"map '{Name}' has {Length} slots; index {index} is out of range.");
    }

    /// <summary>Creates a program array in the kernel; disposing the view closes it (and so empties it).</summary>
    public static BpfProgramArray Create(uint length, string? name = null) =>
        new(BpfMap.Create(BpfMapType.ProgArray, sizeof(uint), sizeof(uint), length, BpfMapFlags.None, name), ownsMap: true);
}
