using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// Programs the program-level checks must accept: every signature shape the attributes allow, and loops that end
/// (constant bounds, parameter bounds, flags, shifts, conditions read through calls). Not all of it compiles to BPF yet.
/// </summary>
[License("GPL")]
public static class GoodPrograms
{
    [Map("counts")] public static readonly ArrayMap<ulong> Counts = new(maxEntries: 4);

    [CgroupSkb(CgroupSkbDirection.Ingress)]
    public static SkbVerdict Loops(SkBuffContext skb) =>
        Bits(skb.Length) + Sum(skb.Length, 8) + Find(skb.Mark, 7) + Halve(skb.Length) + Digits(skb.Length) + ReadUntil(skb) > 1000
            ? SkbVerdict.Drop : SkbVerdict.Pass;

    [Xdp(XdpAttachPoint.Devmap, Frags = true)]
    public static XdpAction Xdp(XdpContext xdp) => XdpAction.Pass;

    [SkSkb(SkSkbKind.StreamParser)]
    public static int Parser(SkBuffContext skb) => (int)skb.Length;

    [SkSkb(SkSkbKind.StreamVerdict)]
    public static SkVerdict Verdict(SkBuffContext skb) => SkVerdict.Pass;

    [SockOps]
    public static int Ops(SockOpsContext ops) => 1;

    [KProbe("do_unlinkat")]
    public static unsafe long Probe(void* ctx) => 0;

    [TracePoint("sched", "sched_switch")]
    public static uint Switch() => 0;

    [SkMsg]
    public static SkVerdict Msg(SkMsgContext msg) => SkVerdict.Pass;

    private static uint Bits(uint x)
    {
        var count = 0u;
        for (var i = 0; i < 32; i++)
        {
            if (((x >> i) & 1) == 0)
                continue;
            count++;
            if (count > 20)
                break;
        }
        return count;
    }

    private static uint Sum(uint x, int n)
    {
        var sum = 0u;
        for (var i = 0; i < n; i++)
            sum += x ^ (uint)i;
        return sum;
    }

    private static uint Find(uint x, uint wanted)
    {
        var found = false;
        var i = 0u;
        while (!found)
        {
            i++;
            if (((x + i) & 7) == wanted || i == 16)
                found = true;
        }
        return i;
    }

    private static uint Halve(uint x)
    {
        var steps = 0u;
        do
        {
            x >>= 1;
            steps++;
        } while (x != 0);
        return steps;
    }

    private static uint Digits(uint n)
    {
        var digits = 1u;
        while (true)
        {
            if (n < 10)
                return digits;
            n /= 10;
            digits++;
        }
    }

    // The condition reads the context through a call each time: that may change, so it is the verifier's to judge.
    private static uint ReadUntil(SkBuffContext skb)
    {
        var rounds = 0u;
        while (skb.Length > 0 && rounds < 4)
            rounds++;
        return rounds;
    }
}
