namespace Ebpf.Fuzz.Tests.Fuzzing;

/// <summary>What a field of a binary format holds, which decides the values worth trying in it.</summary>
public enum FieldKind
{
    /// <summary>A value with no special meaning to the mutator (flags, magic, version, an enum value).</summary>
    Plain,
    /// <summary>A byte offset into the file, a section or a subsection.</summary>
    Offset,
    /// <summary>A length in bytes.</summary>
    Size,
    /// <summary>A number of entries that follow (num_info, e_shnum).</summary>
    Count,
    /// <summary>An index of a section or symbol.</summary>
    Index,
    /// <summary>An offset into a string table.</summary>
    StringOffset,
    /// <summary>A BTF type id.</summary>
    TypeId,
    /// <summary>A BTF info word: vlen, kind and kind_flag.</summary>
    BtfInfo,
}

/// <summary>
/// One little-endian field of an input: where it is, how wide, what it holds, and the BTF type it belongs to
/// (<see cref="Owner"/>, so a type id can be pointed back at its own type to make a loop; 0 elsewhere), and for a
/// string offset the length of its string table (<see cref="Bound"/>).
/// </summary>
public readonly record struct Field(int Offset, int Width, FieldKind Kind, int Owner = 0, int Bound = 0);

/// <summary>The fields of one input, with the context the boundary values need (string table and type counts).</summary>
public sealed class FieldMap
{
    public List<Field> Fields { get; } = [];

    /// <summary>Number of BTF types including void, when the input has BTF; boundary type ids are placed around it.</summary>
    public int TypeCount { get; set; }

    /// <summary>Regions worth mutating on their own (a section's bytes), so a few mutations land inside small parts.</summary>
    public List<(int Start, int Length, string Name)> Regions { get; } = [];

    /// <summary>Random changes (bit flips, random bytes) only inside <see cref="Regions"/>.</summary>
    public bool OnlyInRegions { get; init; }

    public void Add(int offset, int width, FieldKind kind, int owner = 0, int bound = 0) => Fields.Add(new Field(offset, width, kind, owner, bound));
}
