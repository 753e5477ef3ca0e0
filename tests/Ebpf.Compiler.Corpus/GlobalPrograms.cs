using Ebpf.Kernel;

namespace Ebpf.Compiler.Corpus;

public struct Limits
{
    public uint MaxLength;
    public byte DropOdd;
}

/// <summary>Global variables: static fields of the program class live in .data and .bss, shared with user space.</summary>
[License("GPL")]
public sealed class GlobalPrograms
{
    public static ulong Packets;            // .bss: starts at zero
    public static ulong Bytes;
    public static uint Threshold = 300;     // .data: starts at 300
    public static Limits Limits = new() { MaxLength = 1000, DropOdd = 0 };

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Police(SkBuffContext skb)
    {
        Packets++;
        Interlocked.Add(ref Bytes, skb.Length);
        if (skb.Length > Limits.MaxLength || (Limits.DropOdd != 0 && (skb.Length & 1) != 0))
            return SkbVerdict.Drop;
        return skb.Length > Threshold ? SkbVerdict.Drop : SkbVerdict.Pass;
    }
}
