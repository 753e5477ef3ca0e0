using System.Reflection;
using System.Runtime.InteropServices;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Sizes and field offsets of the value types a program uses, computed as the CLR lays out blittable structs
/// (sequential with natural alignment, or explicit offsets; <c>fixed</c> buffers by their declared size), so a struct
/// means the same bytes in the kernel and in .NET.
/// </summary>
internal static class Layout
{
    public static bool IsScalar(Type t) =>
        t.IsPrimitive || t.IsEnum || t.IsPointer || t.IsByRef;

    /// <summary>Held in 64 bits in a register: long, ulong, native ints, pointers and references.</summary>
    public static bool IsWide(Type t) =>
        t.IsPointer || t.IsByRef || t == typeof(long) || t == typeof(ulong) || t == typeof(nint) || t == typeof(nuint)
        || (t.IsEnum && IsWide(Enum.GetUnderlyingType(t))) || (!t.IsValueType);

    public static bool IsSigned(Type t)
    {
        if (t.IsEnum) t = Enum.GetUnderlyingType(t);
        return t == typeof(sbyte) || t == typeof(short) || t == typeof(int) || t == typeof(long) || t == typeof(nint);
    }

    public static int SizeOf(Type t)
    {
        if (t.IsEnum) t = Enum.GetUnderlyingType(t);
        if (t.IsPointer || t.IsByRef || !t.IsValueType) return 8;
        if (t == typeof(bool) || t == typeof(byte) || t == typeof(sbyte)) return 1;
        if (t == typeof(short) || t == typeof(ushort) || t == typeof(char)) return 2;
        if (t == typeof(int) || t == typeof(uint) || t == typeof(float)) return 4;
        if (t.IsPrimitive) return 8;
        return StructLayout(t).Size;
    }

    public static int AlignOf(Type t)
    {
        if (t.IsEnum) t = Enum.GetUnderlyingType(t);
        if (IsScalar(t) || !t.IsValueType) return SizeOf(t);
        return StructLayout(t).Align;
    }

    public static int OffsetOf(FieldInfo field) => StructLayout(field.DeclaringType!).Offsets[field];

    private static readonly Dictionary<Type, (int Size, int Align, Dictionary<FieldInfo, int> Offsets)> Cache = [];

    private static (int Size, int Align, Dictionary<FieldInfo, int> Offsets) StructLayout(Type t)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(t, out var known)) return known;
            var fields = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).OrderBy(f => f.MetadataToken).ToList();
            var attribute = t.StructLayoutAttribute;
            var pack = attribute is { Pack: > 0 } ? attribute.Pack : 8;
            var offsets = new Dictionary<FieldInfo, int>();
            int size = 0, align = 1;
            foreach (var f in fields)
            {
                var fieldAlign = Math.Min(AlignOf(f.FieldType), pack);
                var offset = attribute?.Value == LayoutKind.Explicit
                    ? f.GetCustomAttribute<FieldOffsetAttribute>()?.Value ?? 0
                    : (size + fieldAlign - 1) / fieldAlign * fieldAlign;
                offsets[f] = offset;
                size = Math.Max(size, offset + SizeOf(f.FieldType));
                align = Math.Max(align, fieldAlign);
            }
            if (attribute is { Size: > 0 } && attribute.Size > size) size = attribute.Size; // fixed buffers declare their size
            size = Math.Max(1, (size + align - 1) / align * align);
            return Cache[t] = (size, align, offsets);
        }
    }
}
