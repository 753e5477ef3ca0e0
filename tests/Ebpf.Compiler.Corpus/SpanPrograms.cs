using Ebpf.Kernel;

namespace Ebpf.Compiler.Corpus;

/// <summary>Spans over stack memory: filled by helpers, indexed by constants and by a loop variable.</summary>
[License("GPL")]
public sealed class SpanPrograms
{
    [Map] public static readonly ArrayMap<ulong> Seen = new(maxEntries: 4);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Buffers(SkBuffContext skb)
    {
        // The sending thread's name, as bpf_get_current_comm gives it: its first 8 bytes, and a checksum of all 16.
        Span<byte> name = stackalloc byte[16];
        Seen.Update(0, (ulong)Bpf.GetCurrentComm(name));
        ulong first = 0;
        for (var i = 0; i < 8; i++)
            first |= (ulong)name[i] << (8 * i);
        Seen.Update(1, first);
        uint sum = 0;
        for (var i = 0; i < name.Length; i++)
            sum = sum * 31 + name[i];
        Seen.Update(2, sum);

        // The first bytes of the packet through bpf_skb_load_bytes into a span.
        Span<byte> head = stackalloc byte[4];
        var loaded = skb.LoadBytes(0, head);
        return loaded == 0 && head[0] >> 4 == 4 && head[3] % 2 == 0 ? SkbVerdict.Pass : SkbVerdict.Drop;
    }
}
