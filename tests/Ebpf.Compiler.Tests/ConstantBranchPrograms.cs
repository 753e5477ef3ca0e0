using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>A helper inlined with a constant argument that picks a map key with ?: (the firewall sample's Verdict(pass: false)).</summary>
[License("GPL")]
public static class ConstantBranchPrograms
{
    [Map] public static readonly ArrayMap<ulong> Verdicts = new(maxEntries: 2);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Filter(SkBuffContext skb)
    {
        if (skb.Length > 100)
            return Verdict(pass: false);
        return Verdict(pass: true);
    }

    private static SkbVerdict Verdict(bool pass)
    {
        Verdicts.Add(pass ? 0u : 1u, 1);
        return pass ? SkbVerdict.Pass : SkbVerdict.Drop;
    }
}
