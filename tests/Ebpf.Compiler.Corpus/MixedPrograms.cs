using Ebpf.Kernel;

namespace Ebpf.Compiler.Corpus;

public struct Tally
{
    public ulong Small;
    public ulong Large;
    public uint Last;
    public ushort Kinds;
    public byte Flags;
}

/// <summary>Many C# constructs at once, to shake the code generator: nested bounded loops, switches, ternaries, struct copies, refs into structs, wide arithmetic, side effects in conditions.</summary>
[License("GPL")]
public sealed class MixedPrograms
{
    [Map] public static readonly ArrayMap<Tally> Tallies = new(maxEntries: 4);
    [Map] public static readonly HashMap<uint, ulong> Buckets = new(maxEntries: 64);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Mixed(SkBuffContext skb)
    {
        var length = skb.Length;
        var kind = Classify(skb);
        ref var tally = ref Tallies.Lookup((uint)kind & 3);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref tally))
            return SkbVerdict.Pass;
        var before = tally;                       // a struct copy
        ref var counter = ref length < 256 ? ref tally.Small : ref tally.Large;
        counter += length;
        tally.Last = length;
        tally.Kinds |= (ushort)(1 << (kind & 15));
        tally.Flags = (byte)(before.Flags + 1);

        // Nested bounded loops over packet bytes, with early exits.
        ulong mix = 0xcbf29ce484222325;
        for (var row = 0; row < 4; row++)
        {
            for (var column = 0; column < 4; column++)
            {
                if (!skb.TryLoad(row * 4 + column, out byte b))
                    goto done;
                mix = (mix ^ b) * 0x100000001b3;
                if (b == 0xff)
                    break;
            }
        }
    done:
        var bucket = (uint)(mix >> 58);
        // A side effect inside a condition: Add runs only when the first test passes.
        var counted = (mix & 1) == 0 && Buckets.Add(bucket, 1);
        long signed = (int)length - 700;
        var score = (signed < 0 ? -signed : signed) / 100 + (counted ? 1 : 0) + (before.Flags > 3 ? 2 : 0);
        return score switch
        {
            0 or 1 => SkbVerdict.Pass,
            2 => (kind & 1) == 0 ? SkbVerdict.Drop : SkbVerdict.Pass,
            3 or 4 or 5 => SkbVerdict.Pass,
            _ => length % 3 == 0 ? SkbVerdict.Drop : SkbVerdict.Pass,
        };
    }

    private static int Classify(SkBuffContext skb)
    {
        if (!skb.TryLoad(0, out byte first))
            return 0;
        switch (first >> 4)
        {
            case 4:
                return skb.TryLoad(9, out byte protocol) ? protocol switch { 1 => 1, 6 => 2, 17 => 3, _ => 4 } : 5;
            case 6:
                return skb.TryLoad(6, out byte next) ? next switch { 58 => 6, 6 => 7, 17 => 8, _ => 9 } : 10;
            default:
                return 11 + (first & 3);
        }
    }
}
