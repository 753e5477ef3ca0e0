namespace Ebpf.Kernel;

/// <summary>
/// The context of netfilter programs: <c>struct bpf_nf_ctx</c>, a packet at a netfilter hook. Both its members (the hook
/// state and the sk_buff) are kernel pointers the verifier types by BTF; the library reads neither yet, so a program decides
/// from maps and helpers and returns a <see cref="NetfilterVerdict"/>.
/// </summary>
[KernelStruct("bpf_nf_ctx", 16)]
public sealed class NetfilterContext : BpfContext
{
    private NetfilterContext() : base(16) { }

    /// <summary>A context for running a netfilter program as plain .NET.</summary>
    [ManagedOnly]
    public static NetfilterContext ForTest() => new();
}
