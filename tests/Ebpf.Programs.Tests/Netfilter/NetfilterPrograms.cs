using Ebpf.Kernel;

namespace Ebpf.Programs.Tests.Netfilter;

/// <summary>Counts every packet it sees in <see cref="Seen"/> and drops it.</summary>
[License("GPL")]
public static class DropAll
{
    [Map] public static readonly ArrayMap<ulong> Seen = new(maxEntries: 1);

    [Netfilter]
    public static NetfilterVerdict Drop(NetfilterContext ctx)
    {
        Seen.Add(0, 1);
        return NetfilterVerdict.Drop;
    }
}
