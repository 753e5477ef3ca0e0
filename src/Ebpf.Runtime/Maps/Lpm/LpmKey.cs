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
    /// <summary>A key for the prefix <paramref name="data"/>/<paramref name="prefixLength"/>.</summary>
    /// <param name="prefixLength">Significant leading bits of <paramref name="data"/> (e.g. 24 for a /24).</param>
    /// <param name="data">The address or other data, in network byte order.</param>
    public LpmKey(uint prefixLength, TData data)
    {
        PrefixLength = prefixLength;
        Data = data;
    }

    /// <summary>Significant leading bits of <see cref="Data"/>; a lookup uses the full width.</summary>
    public uint PrefixLength;

    /// <summary>The address or other data, in network byte order.</summary>
    public TData Data;

    /// <summary>Whether both prefix length and data are equal (bits past the prefix included).</summary>
    public readonly bool Equals(LpmKey<TData> other) => PrefixLength == other.PrefixLength && Data.Equals(other.Data);

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="LpmKey{TData}"/>.</summary>
    public override readonly bool Equals(object? obj) => obj is LpmKey<TData> other && Equals(other);

    /// <summary>A hash of prefix length and data.</summary>
    public override readonly int GetHashCode() => HashCode.Combine(PrefixLength, Data);

    /// <summary>Whether both keys are equal.</summary>
    public static bool operator ==(LpmKey<TData> left, LpmKey<TData> right) => left.Equals(right);

    /// <summary>Whether the keys differ.</summary>
    public static bool operator !=(LpmKey<TData> left, LpmKey<TData> right) => !left.Equals(right);

    /// <summary>"data/prefix", for logs.</summary>
    public override readonly string ToString() => $"{Data}/{PrefixLength}";
}
