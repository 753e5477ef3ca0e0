namespace Ebpf.Kernel;

/// <summary>
/// Marks a struct as a kernel type whose layout is relocated at load time (clang's <c>preserve_access_index</c>):
/// every field a program reads through a pointer to it becomes a CO-RE relocated access, so the same object runs on
/// kernels where the field moved. <c>ebpf generate btf</c> writes such structs from the kernel's BTF; the C# layout
/// (explicit offsets) is the layout of the kernel the types were generated from. On an enum, its enumerators are
/// relocated by name (<see cref="Core.EnumValue{T}"/>).
/// </summary>
/// <param name="name">The kernel's name of the type ("task_struct"); a "___suffix" flavor is ignored when matching, as libbpf does.</param>
[AttributeUsage(AttributeTargets.Struct | AttributeTargets.Enum, AllowMultiple = false, Inherited = false)]
public sealed class KernelTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>A C union (its fields all start at offset 0) rather than a struct.</summary>
    public bool IsUnion { get; init; }
}

/// <summary>
/// A bitfield of a kernel type, as a property whose getter extracts the bits: the compiler reads it with CO-RE relocated
/// byte offset, size and shifts (clang's <c>BPF_CORE_READ_BITFIELD</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class KernelBitFieldAttribute(int bitOffset, int bits) : Attribute
{
    /// <summary>Offset of the first bit from the start of the struct.</summary>
    public int BitOffset { get; } = bitOffset;
    public int Bits { get; } = bits;
}

/// <summary>
/// A kernel array member whose elements C# cannot hold in a <c>fixed</c> buffer (structs, or more than one dimension):
/// the field is the first element, the struct's explicit layout reserves the rest, and BTF describes the array. Element
/// i is <c>Unsafe.Add(ref p-&gt;member, i)</c>, read with CO-RE relocations: a constant index must be below
/// <see cref="Count"/>, a variable one written with its bound (<c>i &amp; 15</c>, <c>(uint)i % 16</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class KernelArrayAttribute(int count) : Attribute
{
    public int Count { get; } = count;
}

/// <summary>
/// A flexible array member (<c>T name[];</c>) of a kernel type, as a property that gives a pointer to its first element:
/// it takes no bytes of the struct, and the compiler relocates its offset.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class KernelFlexibleArrayAttribute(int offset) : Attribute
{
    /// <summary>Byte offset of the array in the generated layout.</summary>
    public int Offset { get; } = offset;
}

/// <summary>The kernel's name of a member whose C# name had to differ (a member named as its struct, which C# forbids).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class KernelNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
