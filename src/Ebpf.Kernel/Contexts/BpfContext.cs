using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// Base of the context types. In the kernel a context is only the pointer in r1, and each property is a load at a fixed
/// offset (see <see cref="ContextFieldAttribute"/>). In managed code a context holds an image of the kernel struct, laid out
/// and encoded as the kernel presents it to a program, so a property reads the same bytes at the same offset and converts them
/// the way the compiler's lowering does: a test of the managed side is a test of the lowering's arithmetic.
/// </summary>
public abstract class BpfContext
{
    private protected readonly byte[] Image;

    private protected BpfContext(int structSize) => Image = new byte[structSize];

    private protected uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(Image.AsSpan(offset));
    private protected ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(Image.AsSpan(offset));
    private protected void SetU32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Image.AsSpan(offset), value);
    private protected void SetU64(int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Image.AsSpan(offset), value);

    private protected IPv6Address Ip6(int offset) => new(U32(offset), U32(offset + 4), U32(offset + 8), U32(offset + 12));

    private protected void SetIp6(int offset, IPv6Address value)
    {
        SetU32(offset, value.W0);
        SetU32(offset + 4, value.W1);
        SetU32(offset + 8, value.W2);
        SetU32(offset + 12, value.W3);
    }

    // The conversions of ContextFieldConversion, as the compiler emits them.
    private protected ushort NetworkOrder16(int offset) => BinaryPrimitives.ReverseEndianness((ushort)U32(offset));
    private protected void SetNetworkOrder16(int offset, ushort value) => SetU32(offset, BinaryPrimitives.ReverseEndianness(value));
    private protected ushort NetworkOrder16High(int offset) => (ushort)BinaryPrimitives.ReverseEndianness(U32(offset));
    private protected void SetNetworkOrder16High(int offset, ushort value) => SetU32(offset, BinaryPrimitives.ReverseEndianness((uint)value));

    /// <summary>
    /// The connection addresses sk_msg_md, bpf_sock_ops and bpf_sk_lookup hold alike, each at its own offsets: the family
    /// (AF_INET6 when an address has a colon, else AF_INET) and the remote and local IPv4 or IPv6 address.
    /// </summary>
    private protected void SetAddresses(string remote, string local, int family, int remoteIp4, int localIp4, int remoteIp6, int localIp6)
    {
        if (remote.Contains(':') || local.Contains(':'))
        {
            SetU32(family, 10);
            SetIp6(remoteIp6, Net.IPv6(remote));
            SetIp6(localIp6, Net.IPv6(local));
        }
        else
        {
            SetU32(family, 2);
            SetU32(remoteIp4, Net.IPv4(remote));
            SetU32(localIp4, Net.IPv4(local));
        }
    }

    // The managed side of the packet loads and stores (data to data_end): the bounds the compiler's checks enforce.
    private protected static bool TryRead<T>(ReadOnlySpan<byte> packet, int offset, out T value) where T : unmanaged
    {
        if (offset < 0 || offset > packet.Length - Unsafe.SizeOf<T>())
        {
            value = default;
            return false;
        }
        value = MemoryMarshal.Read<T>(packet[offset..]);
        return true;
    }

    private protected static bool TryWrite<T>(Span<byte> packet, int offset, in T value) where T : unmanaged
    {
        if (offset < 0 || offset > packet.Length - Unsafe.SizeOf<T>()) return false;
        MemoryMarshal.Write(packet[offset..], in value);
        return true;
    }

    /// <summary>A copy of the context struct as a program would see it (for tests and the differential harness).</summary>
    [ManagedOnly]
    public byte[] ToKernelImage() => (byte[])Image.Clone();
}
