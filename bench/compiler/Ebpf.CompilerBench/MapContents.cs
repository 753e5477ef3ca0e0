using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.CompilerBench;

/// <summary>
/// Map contents as sorted "key -> value" lines of hex bytes, so a kernel map (C or C#) and the C# program's managed map
/// compare as text. Keys and values are the bytes the kernel holds: blittable structs in memory order.
/// </summary>
public static class MapContents
{
    public static List<string> Of(BpfMap map)
    {
        var lines = new List<string>();
        var key = new byte[map.KeySize];
        var next = new byte[map.KeySize];
        var value = new byte[map.ValueSize];
        bool first = true;
        while (map.NextKey(first ? default : key, next))
        {
            first = false;
            next.CopyTo(key, 0);
            if (map.TryLookup(key, value))
                lines.Add(Line(key, value));
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>A managed map of the kernel-side library (the object in a [Map] field), as the same lines.</summary>
    public static List<string> Of(KernelMap map)
    {
        var lines = new List<string>();
        var type = map.GetType();
        if (FindBase(type, typeof(ArrayMapBase<>)) is { } array)
        {
            var values = (Array)array.GetMethod(nameof(ArrayMapBase<int>.ToArray))!.Invoke(map, null)!;
            for (uint i = 0; i < values.Length; i++)
                lines.Add(Line(ToBytes(i), ToBytes(values.GetValue(i)!)));
        }
        else if (FindBase(type, typeof(HashMapBase<,>)) is { } hash)
        {
            var pairs = (IEnumerable)hash.GetMethod(nameof(HashMapBase<int, int>.ToDictionary))!.Invoke(map, null)!;
            foreach (var pair in pairs)
            {
                var t = pair.GetType();
                lines.Add(Line(ToBytes(t.GetProperty("Key")!.GetValue(pair)!), ToBytes(t.GetProperty("Value")!.GetValue(pair)!)));
            }
        }
        else
        {
            throw new NotSupportedException($"map kind {type.Name}: add it to MapContents");
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>Puts <paramref name="key"/> = <paramref name="value"/> into a managed hash map (its Update method).</summary>
    public static void Update(KernelMap map, object key, object value)
    {
        var hash = FindBase(map.GetType(), typeof(HashMapBase<,>)) ?? throw new NotSupportedException($"setup of {map.GetType().Name}");
        var result = (int)hash.GetMethod(nameof(HashMapBase<int, int>.Update))!.Invoke(map, [key, value, UpdateFlags.Any])!;
        if (result != 0) throw new InvalidOperationException($"managed update of {map.GetType().Name} returned {result}");
    }

    /// <summary>The bytes of a boxed blittable value, as the kernel stores it.</summary>
    public static byte[] ToBytes(object value) =>
        (byte[])typeof(MapContents).GetMethod(nameof(BytesOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(value.GetType()).Invoke(null, [value])!;

    private static byte[] BytesOf<T>(T value) where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(ref value)).ToArray();

    private static string Line(byte[] key, byte[] value) => $"{Convert.ToHexString(key)} -> {Convert.ToHexString(value)}";

    private static Type? FindBase(Type? type, Type generic)
    {
        for (; type is not null; type = type.BaseType)
            if (type.IsGenericType && type.GetGenericTypeDefinition() == generic)
                return type;
        return null;
    }
}
