namespace Ebpf.Object.Elf;

/// <summary>The parts of the ELF specification a BPF relocatable object uses.</summary>
public static class ElfConstants
{
    public const byte ClassElf64 = 2;
    public const byte DataLittleEndian = 1;
    public const byte DataBigEndian = 2;
    public const ushort TypeRelocatable = 1;
    public const ushort MachineBpf = 247;

    public const int HeaderSize = 64;
    public const int SectionHeaderSize = 64;
    public const int SymbolSize = 24;
    public const int RelSize = 16;
    public const int RelaSize = 24;

    public const uint SectionNull = 0, SectionProgBits = 1, SectionSymTab = 2, SectionStrTab = 3,
        SectionRela = 4, SectionNoBits = 8, SectionRel = 9;

    public const ulong FlagWrite = 1, FlagAlloc = 2, FlagExecInstr = 4;

    public const ushort SectionIndexUndefined = 0, SectionIndexAbsolute = 0xfff1, SectionIndexCommon = 0xfff2;
}

/// <summary>ELF symbol binding (st_info high nibble).</summary>
public enum SymbolBinding : byte { Local = 0, Global = 1, Weak = 2 }

/// <summary>ELF symbol type (st_info low nibble).</summary>
public enum SymbolType : byte { NoType = 0, Object = 1, Func = 2, Section = 3, File = 4 }

/// <summary>Relocation types clang emits for BPF (llvm/lib/Target/BPF/BPFRelocations.def).</summary>
public enum BpfRelocationType : uint
{
    None = 0,
    /// <summary>LD_IMM64 of a map, global datum, or function address.</summary>
    Bpf64_64 = 1,
    /// <summary>64-bit absolute data, e.g. map-in-map initial values in .maps.</summary>
    Bpf64Abs64 = 2,
    /// <summary>32-bit absolute data, in DWARF and .BTF.ext.</summary>
    Bpf64Abs32 = 3,
    Bpf64NoDyld32 = 4,
    /// <summary>The immediate of a call instruction (BPF-to-BPF call or extern kfunc).</summary>
    Bpf64_32 = 10,
}
