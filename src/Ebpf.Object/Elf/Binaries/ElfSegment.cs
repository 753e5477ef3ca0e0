namespace Ebpf.Object.Elf;

/// <summary>One program header of an executable or shared library: where a range of the file is mapped.</summary>
public readonly record struct ElfSegment(uint Type, uint Flags, ulong FileOffset, ulong VirtualAddress, ulong FileSize, ulong MemorySize)
{
    public const uint Load = 1, Note = 4;
    public const uint Execute = 1, Write = 2, Read = 4;

    public bool IsLoad => Type == Load;
    public bool IsExecutable => (Flags & Execute) != 0;

    /// <summary>True when <paramref name="address"/> lies in the part of the segment backed by the file.</summary>
    public bool ContainsAddress(ulong address) => address >= VirtualAddress && address - VirtualAddress < Math.Max(FileSize, 1);
}
