namespace Ebpf.Object.Data;

/// <summary>A global variable: its place in the section and, where the object has BTF, its type.</summary>
public sealed record DataVariable(string Name, long Offset, long Size, int? BtfTypeId, bool IsStatic);
