using Ebpf.Kernel;

namespace EbpfCgroupFilter;

/// <summary>
/// The kernel side: runs on every packet a cgroup's processes send, drops those to a blocked destination port and counts
/// both verdicts. dotnet build compiles it to BPF; it also runs as plain .NET, which is how the tests call it.
/// </summary>
[License("GPL")]
public static class FilterProgram
{
    public const uint PassedSlot = 0;
    public const uint DroppedSlot = 1;

    /// <summary>Blocked destination ports (host byte order, as <see cref="SkBuffContext.RemotePort"/>), set by user space.</summary>
    [Map] public static readonly HashMap<ushort, ulong> BlockedPorts = new(maxEntries: 64);

    /// <summary>Packets passed (slot 0) and dropped (slot 1).</summary>
    [Map] public static readonly ArrayMap<ulong> Verdicts = new(maxEntries: 2);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Egress(SkBuffContext skb)
    {
        if (BlockedPorts.ContainsKey(skb.RemotePort))
        {
            Verdicts.Add(DroppedSlot, 1);
            return SkbVerdict.Drop;
        }
        Verdicts.Add(PassedSlot, 1);
        return SkbVerdict.Pass;
    }
}
