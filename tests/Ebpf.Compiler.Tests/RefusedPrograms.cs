using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>Compiles, but the verifier refuses it: a map lookup's result is used without the null check.</summary>
[License("GPL")]
public static class RefusedPrograms
{
    [Map] public static readonly HashMap<uint, ulong> Seen = new(maxEntries: 16);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Unchecked(SkBuffContext skb)
    {
        ref var count = ref Seen.Lookup(skb.Mark);
        count++; // line 15: no Unsafe.IsNullRef(ref count) first
        return SkbVerdict.Pass;
    }
}
