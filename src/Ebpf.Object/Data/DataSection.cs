namespace Ebpf.Object.Data;

/// <summary>A global-data section (.data, .rodata, .bss and their named variants) with its initial bytes and variables.</summary>
public sealed class DataSection
{
    internal DataSection(string name, int sectionIndex, DataSectionKind kind, byte[] initialValue, IReadOnlyList<DataVariable> variables, int? btfTypeId)
    {
        Name = name; SectionIndex = sectionIndex; Kind = kind; InitialValue = initialValue; Variables = variables; BtfTypeId = btfTypeId;
    }

    public string Name { get; }
    public int SectionIndex { get; }
    public DataSectionKind Kind { get; }

    /// <summary>The section's bytes (zeros for .bss); its length is the section size.</summary>
    public byte[] InitialValue { get; }

    public long Size => InitialValue.Length;

    /// <summary>Variables ordered by offset.</summary>
    public IReadOnlyList<DataVariable> Variables { get; }

    /// <summary>The BTF DATASEC describing this section, when present.</summary>
    public int? BtfTypeId { get; }

    public DataVariable? FindVariable(string name) => Variables.FirstOrDefault(v => v.Name == name);

    /// <summary>The variable covering <paramref name="offset"/>, if any.</summary>
    public DataVariable? VariableAt(long offset) => Variables.FirstOrDefault(v => offset >= v.Offset && offset < v.Offset + Math.Max(1, v.Size));

    /// <summary>Whether the name is one of the global-data sections libbpf turns into maps.</summary>
    public static bool IsDataSectionName(string name, out DataSectionKind kind)
    {
        kind = DataSectionKind.Data;
        if (name is ".data" || name.StartsWith(".data.", StringComparison.Ordinal)) return true;
        kind = DataSectionKind.ReadOnly;
        if (name is ".rodata" || name.StartsWith(".rodata.", StringComparison.Ordinal)) return true;
        kind = DataSectionKind.Bss;
        return name is ".bss" || name.StartsWith(".bss.", StringComparison.Ordinal);
    }

    public override string ToString() => $"{Name} ({Kind}, {Size} bytes, {Variables.Count} variables)";
}
