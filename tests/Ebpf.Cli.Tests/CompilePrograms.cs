using Ebpf.Kernel;

namespace Ebpf.Cli.Tests;

/// <summary>C# programs for the compile command: one that compiles, one that must fail with its line.</summary>
[License("GPL")]
public static class GoodPrograms
{
    [Map] public static readonly ArrayMap<ulong> Seen = new(maxEntries: 1);

    [CgroupSkb(CgroupSkbDirection.Ingress)]
    public static SkbVerdict Watch(SkBuffContext skb)
    {
        Seen.Add(0, 1);
        return skb.Length > 1000 ? SkbVerdict.Drop : SkbVerdict.Pass;
    }
}

[License("GPL")]
public static class BadPrograms
{
    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Overflowing(SkBuffContext skb) => checked(skb.Length * 2) > 10 ? SkbVerdict.Drop : SkbVerdict.Pass; // line 23
}
