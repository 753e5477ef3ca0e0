namespace Ebpf.Build.Tests;

/// <summary>
/// The C# a user writes, for the projects the tests build: only what the compiler compiles today (context fields, array-map
/// counters, hash-map ContainsKey).
/// </summary>
internal static class UserSources
{
    public const string Project = "UserPrograms";

    /// <summary>TrafficCounter's shape with a block list: a static class, so loaded with BpfObject.Load(typeof(...)).</summary>
    public const string Counter = """
        using Ebpf.Kernel;

        namespace UserPrograms;

        [License("GPL")]
        public static class Counter
        {
            [Map] public static readonly ArrayMap<ulong> Packets = new(maxEntries: 2);
            [Map] public static readonly HashMap<uint, ulong> Blocked = new(maxEntries: 16);

            [CgroupSkb(CgroupSkbDirection.Ingress)]
            public static SkbVerdict CountIngress(SkBuffContext skb)
            {
                Packets.Add(0, 1);
                return SkbVerdict.Pass;
            }

            [CgroupSkb(CgroupSkbDirection.Egress)]
            public static SkbVerdict CountEgress(SkBuffContext skb)
            {
                Packets.Add(1, 1);
                return Blocked.ContainsKey(skb.RemoteIPv4) ? SkbVerdict.Drop : SkbVerdict.Pass;
            }
        }
        """;

    /// <summary>A second class in the same assembly, DESIGN.md's shape (sealed, for BpfObject.Load&lt;Guard&gt;()).</summary>
    public const string Guard = """
        using Ebpf.Kernel;

        namespace UserPrograms.Nested;

        [License("GPL")]
        public sealed class Guard
        {
            [Map] public static readonly ArrayMap<ulong> Bytes = new(maxEntries: 1);

            [CgroupSkb]
            public static SkbVerdict Either(SkBuffContext skb)
            {
                Bytes.Add(0, skb.Length);
                return SkbVerdict.Pass;
            }
        }
        """;

    /// <summary>Not a class of programs: the build leaves it alone.</summary>
    public const string Helper = """
        namespace UserPrograms;

        public static class Helper
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    public const string BrokenProject = "BrokenPrograms";

    /// <summary>Checked arithmetic cannot throw in BPF: EBPF002 on line 13.</summary>
    public const string Broken = """
        using Ebpf.Kernel;

        namespace BrokenPrograms;

        [License("GPL")]
        public static class Broken
        {
            [CgroupSkb(CgroupSkbDirection.Egress)]
            public static SkbVerdict Overflowing(SkBuffContext skb)
            {
                var a = skb.Length;
                var b = skb.Length;
                return checked(a + b) > 10 ? SkbVerdict.Drop : SkbVerdict.Pass;
            }
        }
        """;

    public const int BrokenLine = 13;
}
