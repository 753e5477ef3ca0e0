using System.Globalization;
using System.Runtime.InteropServices;

namespace Ebpf.Metrics;

/// <summary>The default "key" tag of a map entry: a number stays a number, a key type with its own ToString() uses it, any other struct is its bytes in hex.</summary>
internal static class KeyTag<TKey> where TKey : unmanaged
{
    public static readonly Func<TKey, object?> Default = Choose();

    private static Func<TKey, object?> Choose()
    {
        var type = typeof(TKey);
        if (type.IsPrimitive || type.IsEnum)
            return key => key;
        if (type.GetMethod(nameof(ToString), Type.EmptyTypes)?.DeclaringType == type)
            return key => key is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : key.ToString();
        return Hex;
    }

    private static object? Hex(TKey key) => Convert.ToHexStringLower(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)));
}
