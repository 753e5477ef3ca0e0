using System.Reflection;
using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// CO-RE questions about the running kernel's types (libbpf's <c>bpf_core_field_exists</c>, <c>bpf_core_type_size</c>,
/// <c>bpf_core_enum_value</c>, ...). In the kernel each answer is one instruction whose constant the loader fills in
/// from the kernel's BTF; guarding a read with <see cref="FieldExists{T}(ref T)"/> keeps a program loadable on kernels
/// without the field. Types are kernel types (<see cref="KernelTypeAttribute"/>). Run as .NET, the answers are those of
/// the layout the types were generated from: the managed program sees the kernel it was generated against.
/// </summary>
/// <remarks>
/// Fields are named two ways: a reference to the field through a pointer (<c>Core.FieldExists(ref task->pid)</c>), or
/// the struct and a dotted member path (<c>Core.FieldExists&lt;task_struct&gt;("real_parent")</c>), which also reaches
/// pointer-typed fields and bitfields (C# has no <c>ref</c> to either).
/// </remarks>
public static unsafe class Core
{
    /// <summary>Whether the kernel's type has this field (bpf_core_field_exists).</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static bool FieldExists<T>(ref T field) where T : unmanaged => true;

    /// <summary>Whether the kernel's <typeparamref name="TStruct"/> has the member at <paramref name="path"/> ("a.b").</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static bool FieldExists<TStruct>(string path) where TStruct : unmanaged => Member<TStruct>(path).Name.Length > 0;

    /// <summary>The field's size in the kernel, in bytes (bpf_core_field_size).</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static uint FieldSize<T>(ref T field) where T : unmanaged => (uint)sizeof(T);

    [Intrinsic(IntrinsicKind.Core)]
    public static uint FieldSize<TStruct>(string path) where TStruct : unmanaged => Member<TStruct>(path).Size;

    /// <summary>The member's byte offset from the start of <typeparamref name="TStruct"/> in the kernel (bpf_core_field_offset).</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static uint FieldOffset<TStruct>(string path) where TStruct : unmanaged => Member<TStruct>(path).BitOffset / 8;

    /// <summary>Whether the kernel's field is a signed integer (FIELD_SIGNED).</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static bool FieldSigned<T>(ref T field) where T : unmanaged => KernelTypes.IsSigned(typeof(T));

    [Intrinsic(IntrinsicKind.Core)]
    public static bool FieldSigned<TStruct>(string path) where TStruct : unmanaged => Member<TStruct>(path).Signed;

    /// <summary>The left shift that puts a bitfield's top bit at bit 63 of a 64-bit load of its bytes (FIELD_LSHIFT_U64).</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static uint FieldLShift<TStruct>(string path) where TStruct : unmanaged => Member<TStruct>(path).LShift;

    /// <summary>The right shift that then brings the bitfield down to bit 0 (FIELD_RSHIFT_U64).</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static uint FieldRShift<TStruct>(string path) where TStruct : unmanaged => Member<TStruct>(path).RShift;

    /// <summary>Whether the kernel has a type of this name and kind (bpf_core_type_exists).</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static bool TypeExists<T>() where T : unmanaged => true;

    /// <summary>The size of the kernel's type in bytes (bpf_core_type_size).</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static uint TypeSize<T>() where T : unmanaged => (uint)sizeof(T);

    /// <summary>Whether the kernel's type matches this one's shape, member names and kinds (bpf_core_type_matches).</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static bool TypeMatches<T>() where T : unmanaged => true;

    /// <summary>The type's id in the program's own BTF (bpf_core_type_id_local). Managed: a per-process id of the type.</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static uint TypeIdLocal<T>() where T : unmanaged => KernelTypes.ManagedId(typeof(T));

    /// <summary>The type's id in the kernel's BTF (bpf_core_type_id_kernel). Managed: the same id as <see cref="TypeIdLocal{T}"/>.</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static uint TypeIdTarget<T>() where T : unmanaged => KernelTypes.ManagedId(typeof(T));

    /// <summary>Whether the kernel's enum has this enumerator (bpf_core_enum_value_exists). Pass the enumerator itself.</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static bool EnumValueExists<T>(T value) where T : struct, Enum => Enum.IsDefined(value);

    /// <summary>The kernel's value of this enumerator (bpf_core_enum_value): it may differ between kernels.</summary>
    [Intrinsic(IntrinsicKind.Core)]
    public static long EnumValue<T>(T value) where T : struct, Enum =>
        Type.GetTypeCode(Enum.GetUnderlyingType(typeof(T))) is TypeCode.UInt64 ? (long)Convert.ToUInt64(value) : Convert.ToInt64(value);

    /// <summary>
    /// The bits of a bitfield, for the getters <c>ebpf generate btf</c> writes (managed runs; the compiler emits the
    /// relocated read instead): <paramref name="bits"/> bits from bit <paramref name="bitOffset"/> of <paramref name="holder"/>, sign-extended when <paramref name="signed"/>.
    /// </summary>
    [ManagedOnly]
    public static ulong BitField<THolder>(in THolder holder, int bitOffset, int bits, bool signed) where THolder : unmanaged
    {
        if (bits is < 1 or > 64 || bitOffset < 0 || (bitOffset + bits + 7) / 8 > sizeof(THolder))
            throw new ArgumentOutOfRangeException(nameof(bitOffset), $"bits {bitOffset}..{bitOffset + bits} are outside {typeof(THolder).Name} ({sizeof(THolder)} bytes)");
        var bytes = (byte*)Unsafe.AsPointer(ref Unsafe.AsRef(in holder));
        ulong value = 0;
        for (var i = 0; i < bits; i++)
        {
            var bit = bitOffset + i;
            value |= (ulong)((bytes[bit / 8] >> (bit % 8)) & 1) << i;
        }
        return signed && bits < 64 && (value >> (bits - 1)) != 0 ? value | ~0UL << bits : value;
    }

    private static KernelTypes.MemberPath Member<TStruct>(string path) => KernelTypes.Find(typeof(TStruct), path)
        ?? throw new ArgumentException($"{typeof(TStruct).Name} has no member '{path}'; name a field (or a dotted path into nested structs) of the generated type", nameof(path));
}
