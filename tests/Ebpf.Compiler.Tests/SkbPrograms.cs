using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>cgroup_skb programs in C#, compiled, loaded into the kernel and compared with their .NET runs.</summary>
public static class SkbPrograms
{
    public static SkbVerdict DropLarge(SkBuffContext skb) => skb.Length > 100 ? SkbVerdict.Drop : SkbVerdict.Pass;

    public static SkbVerdict SmallIPv4Only(SkBuffContext skb) =>
        skb.Protocol == EtherType.IPv4 && skb.Length < 500 ? SkbVerdict.Pass : SkbVerdict.Drop;

    public static SkbVerdict EvenLengthsUnlessMarked(SkBuffContext skb)
    {
        var score = (skb.Length & 1) + skb.Mark * 2;
        if (skb.Protocol == EtherType.IPv6)
            score += skb.Length >> 9;
        return score == 0 ? SkbVerdict.Pass : SkbVerdict.Drop;
    }
}
