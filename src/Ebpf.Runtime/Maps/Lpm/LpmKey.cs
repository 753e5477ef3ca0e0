using System.Runtime.InteropServices;

namespace Ebpf;

/// <summary>
/// The key of an LPM trie (struct bpf_lpm_trie_key_u8): a prefix length in bits, then the data in network byte
/// order. Pack = 4 puts <see cref="Data"/> right after the 4-byte prefix length, as the kernel reads it, also for
/// 8-byte data types. <c>LpmKey&lt;uint&gt;</c> fits IPv4 (key_size 8); a 16-byte struct fits IPv6 (key_size 20).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct LpmKey<TData> : IEquatable<LpmKey<TData>> where TData : unmanaged, IEquatable<TData>
{
    public LpmKey(uint prefixLength, TData data)
    {
        PrefixLength = prefixLength;
        Data = data;
    }

    /// <summary>Significant leading bits of <see cref="Data"/>; a lookup uses the full width.</summary>
    public uint PrefixLength;

    public TData Data;

    public readonly bool Equals(LpmKey<TData> other) => PrefixLength == other.PrefixLength && Data.Equals(other.Data);

    public override readonly bool Equals(object? obj) => obj is LpmKey<TData> other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(PrefixLength, Data);

    public static bool operator ==(LpmKey<TData> left, LpmKey<TData> right) => left.Equals(right);

    public static bool operator !=(LpmKey<TData> left, LpmKey<TData> right) => !left.Equals(right);

    public override readonly string ToString() => $"{Data}/{PrefixLength}";
}
