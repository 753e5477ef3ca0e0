namespace Ebpf.Kernel;

/// <summary>
/// The context of netfilter programs: <c>struct bpf_nf_ctx</c>, a packet at a netfilter hook. Its two members are kernel
/// pointers the verifier types by BTF (<c>struct nf_hook_state *</c> and <c>struct sk_buff *</c>): read here as addresses,
/// for reads of those kernel structs; a program returns a <see cref="NetfilterVerdict"/>.
/// </summary>
[KernelStruct("bpf_nf_ctx", 16)]
public sealed class NetfilterContext : BpfContext
{
    public static class Offsets
    {
        public const int State = 0, Skb = 8;
        public const int Size = 16;
    }

    private NetfilterContext() : base(Offsets.Size) { }

    /// <summary>A context for running a netfilter program as plain .NET, with the kernel addresses it would hold.</summary>
    [ManagedOnly]
    public static NetfilterContext ForTest(ulong state = 0, ulong skb = 0)
    {
        var ctx = new NetfilterContext();
        ctx.SetU64(Offsets.State, state);
        ctx.SetU64(Offsets.Skb, skb);
        return ctx;
    }

    /// <summary>The address of the hook's <c>struct nf_hook_state</c> (hook number, protocol family, devices).</summary>
    [ContextField("state", Offsets.State, 8)]
    public ulong HookState => U64(Offsets.State);

    /// <summary>The address of the packet's <c>struct sk_buff</c>.</summary>
    [ContextField("skb", Offsets.Skb, 8)]
    public ulong Skb => U64(Offsets.Skb);
}
