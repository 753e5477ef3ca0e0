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

/// <summary>288 bytes: two of them at once would not fit in BPF's 512-byte stack.</summary>
public unsafe struct Scratch
{
    public fixed ulong Words[36];
}

/// <summary>A helper with a large struct local, called twice: the second call reuses the first call's frame bytes.</summary>
[License("GPL")]
public sealed class FramePrograms
{
    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Twice(SkBuffContext skb) =>
        Mix(skb.Length) + Mix(skb.Length >> 1) > 1000 ? SkbVerdict.Drop : SkbVerdict.Pass;

    private static unsafe ulong Mix(uint seed)
    {
        var scratch = new Scratch();
        scratch.Words[seed & 31] = seed;
        scratch.Words[(seed >> 3) & 31] += 3;
        return scratch.Words[seed & 31] + scratch.Words[7];
    }
}

/// <summary>A constant user space sets before load (.rodata), which the verifier then knows.</summary>
[License("GPL")]
public sealed class ConfiguredPrograms
{
    [LoadTimeConstant] public static readonly uint Limit = 500;
    [LoadTimeConstant] public static readonly Limits Extra = new() { MaxLength = 1200, DropOdd = 0 };

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Limited(SkBuffContext skb) =>
        skb.Length > Limit || skb.Length > Extra.MaxLength || Extra.DropOdd != 0 && (skb.Length & 1) != 0 ? SkbVerdict.Drop : SkbVerdict.Pass;
}
