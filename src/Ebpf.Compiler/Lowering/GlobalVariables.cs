using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Global variables: static fields of a program class that are neither readonly, const nor a [Map], of an unmanaged
/// type. The object holds each in .data (or .bss when it starts at zero), which the loader maps, so user space reads
/// and sets them through <c>bpf.GlobalData(".data")</c>; in .NET they are the same static fields. A static readonly
/// field marked [LoadTimeConstant] goes to .rodata instead, set before load and constant to the verifier.
/// </summary>
internal static class GlobalVariables
{
    public static bool IsGlobal(FieldInfo field, Type? programs) =>
        field.IsStatic && (!field.IsInitOnly || IsLoadTimeConstant(field)) && !field.IsLiteral && field.DeclaringType == programs
        && field.GetCustomAttribute<MapAttribute>() is null && field.FieldType.IsValueType && !field.FieldType.IsPointer
        && !(bool)typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!.MakeGenericMethod(field.FieldType).Invoke(null, null)!;

    /// <summary>A static readonly field marked [LoadTimeConstant]: it lives in .rodata, which user space may set before load.</summary>
    public static bool IsLoadTimeConstant(FieldInfo field) => field.IsInitOnly && field.IsDefined(typeof(LoadTimeConstantAttribute));

    /// <summary>The section a global lives in: .rodata for load-time constants, .data when it starts non-zero, else .bss.</summary>
    public static string SectionOf(FieldInfo field, byte[] initialValue) =>
        IsLoadTimeConstant(field) ? ".rodata" : initialValue.All(b => b == 0) ? ".bss" : ".data";

    public static IEnumerable<FieldInfo> Of(Type programs) =>
        programs.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic).Where(f => IsGlobal(f, programs));

    /// <summary>The field's current value as the bytes the program sees.</summary>
    public static byte[] InitialValue(FieldInfo field) =>
        (byte[])typeof(GlobalVariables).GetMethod(nameof(Bytes), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(field.FieldType).Invoke(null, [field.GetValue(null)])!;

    private static byte[] Bytes<T>(object value) where T : unmanaged
    {
        var copy = (T)value;
        return MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref copy, 1)).ToArray();
    }
}
