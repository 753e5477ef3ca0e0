namespace Ebpf.Kernel;

/// <summary>How the compiler turns the value the kernel presents at a context field into the property's value (and back, for setters).</summary>
public enum ContextFieldConversion
{
    /// <summary>The loaded value as is (zero-extended to the property's width).</summary>
    None,
    /// <summary>A 16-bit network-order value in the low half of the field: <c>be16</c> (ports in bpf_sock_addr, EtherType in __sk_buff, __be16 ports).</summary>
    NetworkOrder16,
    /// <summary>A 16-bit network-order value in the high half of a 32-bit field, as __sk_buff/bpf_sock_ops remote_port hold it on little-endian: <c>be32</c>, then the low 16 bits.</summary>
    NetworkOrder16High,
    /// <summary>The low 16 bits of the field.</summary>
    Low16,
    /// <summary>The high 16 bits of the field: <c>rsh 16</c>.</summary>
    High16,
    /// <summary>A Linux AF_* value mapped to <see cref="System.Net.Sockets.AddressFamily"/> (10 → InterNetworkV6 = 23); see <see cref="Net.ToAddressFamily"/>. The compiler should fold comparisons with constants to the kernel value.</summary>
    AddressFamily,
    /// <summary>Non-zero is true.</summary>
    Boolean,
}

/// <summary>
/// Marks a context property the compiler lowers to a load (getter) or store (setter) at a fixed offset from the context pointer
/// (r1 at entry): <c>ldx{size} rD, [rCtx + Offset]</c>, then <see cref="Conversion"/>. <see cref="Member"/> names the member of
/// the kernel struct (given by <see cref="KernelStructAttribute"/> on the context type); a test checks offset and size against the
/// kernel's BTF. Sixteen-byte IPv6 members are read as four 4-byte loads, the only access the verifier allows there.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class ContextFieldAttribute(string member, int offset, int size) : Attribute
{
    /// <summary>The kernel member, e.g. "remote_ip4", or "args[1]" for an array element.</summary>
    public string Member { get; } = member;
    public int Offset { get; } = offset;
    /// <summary>Bytes loaded: 1, 2, 4 or 8, or 16 for an IPv6 address.</summary>
    public int Size { get; } = size;
    public ContextFieldConversion Conversion { get; set; }
    /// <summary>The program type lets programs write this field (a setter then exists); some program types of the same context may still refuse.</summary>
    public bool Writable { get; set; }
}

/// <summary>Names the kernel struct a context type stands for (the type of r1 at program entry), e.g. "__sk_buff".</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class KernelStructAttribute(string name, int size) : Attribute
{
    public string Name { get; } = name;
    public int Size { get; } = size;
}
