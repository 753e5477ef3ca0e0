using System.Buffers.Binary;

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

    /// <summary>A copy of the context struct as a program would see it (for tests and the differential harness).</summary>
    [ManagedOnly]
    public byte[] ToKernelImage() => (byte[])Image.Clone();
}
