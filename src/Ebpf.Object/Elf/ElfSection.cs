namespace Ebpf.Object.Elf;

/// <summary>One section header with its bytes (empty for NOBITS, whose size is still <see cref="Size"/>).</summary>
public sealed class ElfSection
{
    internal ElfSection(int index, string name, uint type, ulong flags, ulong offset, ulong size, uint link, uint info, ulong alignment, ulong entrySize, ReadOnlyMemory<byte> data)
    {
        Index = index; Name = name; Type = type; Flags = flags; Offset = offset; Size = size;
        Link = link; Info = info; Alignment = alignment; EntrySize = entrySize; Data = data;
    }

    public int Index { get; }
    public string Name { get; }
    public uint Type { get; }
    public ulong Flags { get; }
    public ulong Offset { get; }
    public ulong Size { get; }
    public uint Link { get; }
    public uint Info { get; }
    public ulong Alignment { get; }
    public ulong EntrySize { get; }
    public ReadOnlyMemory<byte> Data { get; }

    public bool IsExecutable => (Flags & ElfConstants.FlagExecInstr) != 0;
    public bool IsAllocated => (Flags & ElfConstants.FlagAlloc) != 0;
    public bool IsWritable => (Flags & ElfConstants.FlagWrite) != 0;
    public bool IsNoBits => Type == ElfConstants.SectionNoBits;
    public bool IsRelocation => Type is ElfConstants.SectionRel or ElfConstants.SectionRela;

    public override string ToString() => $"[{Index}] {Name}";
}
