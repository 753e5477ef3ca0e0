namespace Ebpf.Object.Elf;

/// <summary>One ELF note (SHT_NOTE entry): owner name, type, and its descriptor bytes.</summary>
public readonly record struct ElfNote(string Owner, uint Type, ReadOnlyMemory<byte> Descriptor);
