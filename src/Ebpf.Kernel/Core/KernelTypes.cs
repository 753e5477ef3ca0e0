using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// The members of kernel types (<see cref="KernelTypeAttribute"/>) in the order their BTF lists them: fields by offset,
/// bitfield and flexible-array properties among them. The compiler writes a kernel type's BTF from this list and builds
/// CO-RE access strings ("0:3:1") from its indexes, and the managed <see cref="Core"/> answers come from it too, so the
/// three cannot disagree.
/// </summary>
public static class KernelTypes
{
    /// <summary>One member: its index in the type's BTF member list, its place, and what it holds.</summary>
    /// <param name="ArrayCount">Elements of an array member (a fixed buffer or [KernelArray]); 0 for a flexible array; -1 for a non-array.</param>
    public sealed record Member(string Name, int Index, int BitOffset, int BitfieldSize, Type Type, MemberInfo Source, int ArrayCount)
    {
        public bool IsBitfield => BitfieldSize > 0;

        /// <summary>The element type of an array member, else the member's type.</summary>
        public Type ElementType => Source.GetCustomAttribute<FixedBufferAttribute>() is { } buffer ? buffer.ElementType
            : Type.IsPointer && Source.IsDefined(typeof(KernelFlexibleArrayAttribute)) ? Type.GetElementType()! : Type;
    }

    /// <summary>A member reached by a path from a root type: the steps' indexes and what C# says about it.</summary>
    public sealed record MemberPath(string Name, IReadOnlyList<int> Indexes, uint BitOffset, uint Size, bool Signed, uint LShift, uint RShift, Member Last);

    private static readonly ConcurrentDictionary<Type, IReadOnlyList<Member>> Cache = new();
    private static readonly ConcurrentDictionary<Type, uint> Ids = new();

    /// <summary>A kernel struct or union (a [KernelType] enum is relocated by its enumerators only).</summary>
    public static bool IsKernelType(Type? type) => type is { IsValueType: true, IsEnum: false } && type.IsDefined(typeof(KernelTypeAttribute), false);

    /// <summary>The kernel's name of the type: the attribute's name.</summary>
    public static string NameOf(Type type) => type.GetCustomAttribute<KernelTypeAttribute>()?.Name ?? type.Name;

    public static bool IsUnion(Type type) => type.GetCustomAttribute<KernelTypeAttribute>()?.IsUnion ?? false;

    /// <summary>The members of a kernel type (or any struct) in BTF order.</summary>
    public static IReadOnlyList<Member> MembersOf(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var explicitLayout = t.StructLayoutAttribute?.Value == LayoutKind.Explicit;
        var items = new List<(int Bit, int Size, int Token, string Name, Type Type, MemberInfo Source, int Count)>();
        var sequential = 0;
        foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).OrderBy(f => f.MetadataToken))
        {
            if (f.Name.StartsWith('<') || f.IsDefined(typeof(CompilerGeneratedAttribute))) continue; // bitfield storage, backing fields
            var offset = explicitLayout ? f.GetCustomAttribute<FieldOffsetAttribute>()?.Value ?? 0 : sequential;
            var count = f.GetCustomAttribute<FixedBufferAttribute>() is { Length: var n } ? n : f.GetCustomAttribute<KernelArrayAttribute>()?.Count ?? -1;
            items.Add((offset * 8, 0, f.MetadataToken, KernelName(f), f.FieldType, f, count));
            sequential = offset + RuntimeHelpers.SizeOf((f.FieldType.IsPointer ? typeof(nint) : f.FieldType).TypeHandle);
        }
        foreach (var p in t.GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (p.GetCustomAttribute<KernelBitFieldAttribute>() is { } bits)
                items.Add((bits.BitOffset, bits.Bits, p.MetadataToken, KernelName(p), p.PropertyType, p, -1));
            else if (p.GetCustomAttribute<KernelFlexibleArrayAttribute>() is { } flexible)
                items.Add((flexible.Offset * 8, 0, p.MetadataToken, KernelName(p), p.PropertyType, p, 0));
        }
        return items.OrderBy(i => i.Bit).ThenBy(i => i.Token)
            .Select((i, index) => new Member(i.Name, index, i.Bit, i.Size, i.Type, i.Source, i.Count)).ToList();
    });

    private static string KernelName(MemberInfo member) => member.GetCustomAttribute<KernelNameAttribute>()?.Name ?? member.Name;

    /// <summary>The member at a dotted path ("pids.pid") from <paramref name="root"/>, or null when a step has no such member.</summary>
    public static MemberPath? Find(Type root, string path)
    {
        var indexes = new List<int> { 0 };
        var type = root;
        uint bit = 0;
        Member? last = null;
        foreach (var step in path.Split('.'))
        {
            if (last is not null) type = last.Type;
            last = MembersOf(type).FirstOrDefault(m => m.Name == step);
            if (last is null) return null;
            indexes.Add(last.Index);
            bit += (uint)last.BitOffset;
        }
        if (last is null) return null;
        var size = (uint)SizeOf(last.Type, last);
        var (lshift, rshift) = Shifts(bit, last.IsBitfield ? (uint)last.BitfieldSize : size * 8, size);
        return new MemberPath(last.Name, indexes, bit, size, IsSigned(last.Type), lshift, rshift, last);
    }

    /// <summary>
    /// FIELD_LSHIFT_U64 and FIELD_RSHIFT_U64 as libbpf computes them on little-endian: the bits loaded with the field's
    /// own size from the aligned byte offset, moved to the top of 64 bits, then down to bit 0.
    /// </summary>
    public static (uint LShift, uint RShift) Shifts(uint bitOffset, uint bits, uint loadSize)
    {
        var load = BitfieldLoad(bitOffset, bits, loadSize);
        return (load.LShift, load.RShift);
    }

    /// <summary>
    /// How a bitfield is read, as libbpf's FIELD_BYTE_OFFSET and FIELD_BYTE_SIZE give it: <paramref name="loadSize"/>
    /// bytes (the size of the field's type, doubled until the bits fit) from an offset aligned to that size; then the shifts.
    /// </summary>
    public static (uint ByteOffset, uint Size, uint LShift, uint RShift) BitfieldLoad(uint bitOffset, uint bits, uint loadSize)
    {
        var size = loadSize;
        var byteOffset = bitOffset / 8 / size * size;
        while (bitOffset + bits - byteOffset * 8 > size * 8)
        {
            size *= 2;
            byteOffset = bitOffset / 8 / size * size;
        }
        return (byteOffset, size, 64 - (bitOffset + bits - byteOffset * 8), 64 - bits);
    }

    /// <summary>Bytes of a member: a fixed buffer's or [KernelArray]'s whole extent, a pointer's 8, else its type's size.</summary>
    public static int SizeOf(Type type, Member? member = null)
    {
        if (member is { ArrayCount: > 0 } && member.Source is FieldInfo field && field.GetCustomAttribute<FixedBufferAttribute>() is null)
            return member.ArrayCount * SizeOf(type);
        if (member is { ArrayCount: 0 }) return 0;
        if (type.IsPointer || type.IsByRef) return 8;
        if (type.IsEnum) type = Enum.GetUnderlyingType(type);
        return RuntimeHelpers.SizeOf(type.TypeHandle); // the size in memory (bool 1, char 2), as programs see it; not the marshalled one
    }

    public static bool IsSigned(Type t)
    {
        if (t.IsEnum) t = Enum.GetUnderlyingType(t);
        return t == typeof(sbyte) || t == typeof(short) || t == typeof(int) || t == typeof(long) || t == typeof(nint);
    }

    /// <summary>A per-process id for a type, what <see cref="Core.TypeIdLocal{T}"/> answers in managed runs.</summary>
    internal static uint ManagedId(Type type) => Ids.GetOrAdd(type, _ => (uint)Ids.Count + 1);
}
