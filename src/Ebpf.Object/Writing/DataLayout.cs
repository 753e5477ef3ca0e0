using Ebpf.Object.Data;

namespace Ebpf.Object.Writing;

/// <summary>A global variable placed in its data section.</summary>
internal sealed record VariableLayout(string Name, DataSectionLayout Section, int Offset, int Size, int TypeId, int VarId, bool IsStatic);

/// <summary>One data section (.data, .rodata, .bss or a named variant) growing as variables are added.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The MemoryStream holds managed bytes only: disposing it frees nothing.")]
internal sealed class DataSectionLayout(string name, DataSectionKind kind)
{
    private readonly MemoryStream _bytes = new();

    public string Name { get; } = name;
    public DataSectionKind Kind { get; } = kind;
    public List<VariableLayout> Variables { get; } = [];
    public int Alignment { get; private set; } = 1;
    public int Size => (int)_bytes.Length;
    public byte[] Bytes => _bytes.ToArray();

    /// <summary>Places <paramref name="value"/> at the next offset aligned to <paramref name="alignment"/>; returns that offset.</summary>
    public int Append(ReadOnlySpan<byte> value, int alignment)
    {
        var offset = (Size + alignment - 1) / alignment * alignment;
        _bytes.SetLength(offset);
        _bytes.Position = offset;
        _bytes.Write(value);
        Alignment = Math.Max(Alignment, alignment);
        return offset;
    }

    /// <summary>Natural alignment of a variable of <paramref name="size"/> bytes, as clang gives scalars and structs (at most 8).</summary>
    public static int NaturalAlignment(int size) => size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
}
