using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Global variables: static fields of a program class that are neither readonly, const nor a [Map], of an unmanaged
/// type. The object holds each in .data (or .bss when it starts at zero), which the loader maps, so user space reads
/// and sets them through <c>bpf.GlobalData(".data")</c>; in .NET they are the same static fields.
/// </summary>
public static class GlobalVariables
{
    public static bool IsGlobal(FieldInfo field, Type? programs) =>
        field.IsStatic && !field.IsInitOnly && !field.IsLiteral && field.DeclaringType == programs
        && field.GetCustomAttribute<MapAttribute>() is null && field.FieldType.IsValueType && !field.FieldType.IsPointer
        && !(bool)typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!.MakeGenericMethod(field.FieldType).Invoke(null, null)!;

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
