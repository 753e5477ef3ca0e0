using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>Compiles, but the verifier refuses it: a cgroup_skb verdict must be 0-3, and skb.Length is not.</summary>
[License("GPL")]
public static class RefusedPrograms
{
    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict LengthAsVerdict(SkBuffContext skb)
    {
        var verdict = (SkbVerdict)skb.Length;
        return verdict; // line 13
    }
}
