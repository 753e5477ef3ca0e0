using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ebpf.Kernel;

/// <summary>
/// Byte order and address helpers. The kernel holds IPv4/IPv6 addresses in network byte order, as they sit in the header;
/// a <c>uint</c> address here is those four bytes read in the host's order (so 10.1.2.3 is 0x0302010A on x86), which is what
/// <c>skb.RemoteIPv4</c> returns and what a map keyed by address should hold. Ports and EtherTypes of the context types are
/// already converted to host order; bytes read with <c>TryLoad</c> are not, hence the ToHost* methods.
/// </summary>
public static class Net
{
    /// <summary>Network to host order: <c>be16</c> (a byte swap on little-endian). <see cref="BinaryPrimitives.ReverseEndianness(ushort)"/> is lowered the same way (always a swap).</summary>
    [Intrinsic(IntrinsicKind.ByteSwap)]
    public static ushort ToHost16(ushort networkOrder) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(networkOrder) : networkOrder;

    [Intrinsic(IntrinsicKind.ByteSwap)]
    public static uint ToHost32(uint networkOrder) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(networkOrder) : networkOrder;

    [Intrinsic(IntrinsicKind.ByteSwap)]
    public static ulong ToHost64(ulong networkOrder) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(networkOrder) : networkOrder;

    [Intrinsic(IntrinsicKind.ByteSwap)]
    public static ushort ToNetwork16(ushort hostOrder) => ToHost16(hostOrder);

    [Intrinsic(IntrinsicKind.ByteSwap)]
    public static uint ToNetwork32(uint hostOrder) => ToHost32(hostOrder);

    [Intrinsic(IntrinsicKind.ByteSwap)]
    public static ulong ToNetwork64(ulong hostOrder) => ToHost64(hostOrder);

    /// <summary>
    /// "10.1.2.3" as the kernel holds it (network order bytes read as a host <c>uint</c>). The compiler folds it when the
    /// argument is a literal or constant; any other argument is a build error. An invalid address throws <see cref="ArgumentException"/>.
    /// </summary>
    [Intrinsic(IntrinsicKind.Constant)]
    public static uint IPv4(string address)
    {
        if (!IPAddress.TryParse(address ?? "", out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || address!.Count(c => c == '.') != 3)
            throw new ArgumentException($"\"{address}\" is not a dotted IPv4 address such as \"10.1.2.3\".", nameof(address));
        Span<byte> bytes = stackalloc byte[4];
        ip.TryWriteBytes(bytes, out _);
        return BitConverter.ToUInt32(bytes);
    }

    /// <summary>An IPv6 address as the kernel holds it (four 32-bit words of network-order bytes); folded like <see cref="IPv4"/>.</summary>
    [Intrinsic(IntrinsicKind.Constant)]
    public static IPv6Address IPv6(string address)
    {
        if (!IPAddress.TryParse(address ?? "", out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            throw new ArgumentException($"\"{address}\" is not an IPv6 address such as \"2001:db8::1\".", nameof(address));
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        return IPv6Address.FromBytes(bytes);
    }

    /// <summary>The dotted form of an address held as the kernel holds it (for messages and tests).</summary>
    public static string FormatIPv4(uint address) => new IPAddress(address).ToString();

    /// <summary>
    /// A kernel AF_* value as .NET's <see cref="AddressFamily"/>, whose values follow Windows (AF_INET6 is 10 on Linux, 23 in .NET).
    /// Values this library does not map become <see cref="AddressFamily.Unknown"/>.
    /// </summary>
    public static AddressFamily ToAddressFamily(uint kernelFamily) => kernelFamily switch
    {
        0 => AddressFamily.Unspecified,
        1 => AddressFamily.Unix,
        2 => AddressFamily.InterNetwork,
        10 => AddressFamily.InterNetworkV6,
        _ => AddressFamily.Unknown,
    };

    /// <summary>The Linux AF_* value of <paramref name="family"/>; the compiler uses this to fold <c>ctx.Family == AddressFamily.X</c>.</summary>
    public static uint ToKernelFamily(AddressFamily family) => family switch
    {
        AddressFamily.Unspecified => 0,
        AddressFamily.Unix => 1,
        AddressFamily.InterNetwork => 2,
        AddressFamily.InterNetworkV6 => 10,
        _ => throw new ArgumentException($"{family} has no Linux AF_* value in this library; use InterNetwork, InterNetworkV6, Unix or Unspecified.", nameof(family)),
    };
}

/// <summary>
/// An IPv6 address as the kernel holds it in context structs (<c>__u32 remote_ip6[4]</c>): four words, each four network-order
/// bytes read in host order. A plain 16-byte struct, so it can be a map key and lives on the BPF stack.
/// </summary>
public readonly record struct IPv6Address(uint W0, uint W1, uint W2, uint W3)
{
    public static IPv6Address FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16) throw new ArgumentException($"An IPv6 address is 16 bytes, not {bytes.Length}.", nameof(bytes));
        return new(BitConverter.ToUInt32(bytes), BitConverter.ToUInt32(bytes[4..]), BitConverter.ToUInt32(bytes[8..]), BitConverter.ToUInt32(bytes[12..]));
    }

    public void WriteBytes(Span<byte> destination)
    {
        BitConverter.TryWriteBytes(destination, W0);
        BitConverter.TryWriteBytes(destination[4..], W1);
        BitConverter.TryWriteBytes(destination[8..], W2);
        BitConverter.TryWriteBytes(destination[12..], W3);
    }

    public bool IsZero => (W0 | W1 | W2 | W3) == 0;

    public override string ToString()
    {
        Span<byte> b = stackalloc byte[16];
        WriteBytes(b);
        return new IPAddress(b).ToString();
    }
}
