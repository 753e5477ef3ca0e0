namespace Ebpf.Kernel;

/// <summary>
/// Marks a method the compiler lowers to <c>call ID</c> of a kernel helper. <see cref="Name"/> is the helper's name without
/// "bpf_" (BPF_FUNC_<i>name</i> in enum bpf_func_id); a test checks both against the kernel's BTF.
/// Arguments go in r1-r5 in declaration order; an instance method on a context passes the context first,
/// an instance method on a map passes the map first (LD_IMM64 of the map).
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class HelperAttribute(int id, string name) : Attribute
{
    public int Id { get; } = id;
    public string Name { get; } = name;
}

/// <summary>What the compiler emits for a member marked <see cref="IntrinsicAttribute"/>: a fixed instruction sequence, not one helper call.</summary>
public enum IntrinsicKind
{
    /// <summary><c>TryLoad&lt;T&gt;(offset, out value)</c>: direct packet access with the data/data_end bounds check where allowed, else bpf_skb_load_bytes (26) / bpf_xdp_load_bytes (189); true when in bounds, value zeroed otherwise.</summary>
    PacketLoad,
    /// <summary><c>TryStore&lt;T&gt;(offset, value)</c>: bpf_skb_store_bytes (9) / bpf_xdp_store_bytes (190), or a checked direct store.</summary>
    PacketStore,
    /// <summary>Bytes from data to data_end (XDP), i.e. <c>data_end - data</c>.</summary>
    PacketLength,
    /// <summary>map_lookup_elem (1), then <c>r0 != 0</c>.</summary>
    MapContainsKey,
    /// <summary>map_lookup_elem (1) then a copy of the value when non-null; returns whether it was found.</summary>
    MapTryGetValue,
    /// <summary>map_lookup_elem (1), then BPF_ATOMIC BPF_ADD on the value (plain add on per-CPU maps); for hash maps, an update with BPF_NOEXIST when missing, retried once.</summary>
    MapAtomicAdd,
    /// <summary>bpf_tail_call (12); when it returns (empty slot) the method returns its fallback. Valid only as the operand of <c>return</c>.</summary>
    TailCall,
    /// <summary>A compile-time constant: the argument is a literal the compiler folds (<see cref="Net.IPv4(string)"/>).</summary>
    Constant,
    /// <summary>BPF_END byte swap (be16/be32/be64 on a little-endian target), or nothing where the value is already in the wanted order.</summary>
    ByteSwap,
    /// <summary>Division or modulo with BPF's semantics: x / 0 == 0, x % 0 == x; signed forms use cpu v4 sdiv/smod.</summary>
    Division,
    /// <summary>
    /// <see cref="Log"/> and <see cref="LogMessage{TLevel}"/>: the message's values stored into a frame record behind an 8-byte
    /// header (the log site id), sent with bpf_ringbuf_output (130) to the "ebpf_logs" map, the whole guarded by the minimum
    /// level in .rodata (ebpf_log_level), which the verifier knows; the template goes to the object's .ebpf.logs section.
    /// </summary>
    Log,
    /// <summary>A CO-RE question (<see cref="Core"/>): one instruction whose constant the loader sets from the kernel's BTF (.BTF.ext core_relo).</summary>
    Core,
    /// <summary><see cref="Kfunc.Exists(string)"/>: LD_IMM64 of the kfunc's symbol (relocated by the loader to its BTF id, or 0 when a weak kfunc is missing), compared with 0.</summary>
    KfuncExists,
}

/// <summary>Marks a member the compiler lowers to a fixed instruction sequence, described by <see cref="Kind"/>.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class IntrinsicAttribute(IntrinsicKind kind) : Attribute
{
    public IntrinsicKind Kind { get; } = kind;
}
