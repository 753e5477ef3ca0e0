using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// DESIGN.md's example program, in C#, compiled for the kernel. Not a static class: C# allows no static class as a type
/// argument, and this one is loaded with BpfObject.Load&lt;Firewall&gt;().
/// </summary>
[License("GPL")]
public sealed class Firewall
{
    [Map] public static readonly HashMap<uint, ulong> Blocked = new(maxEntries: 1024);
    [Map] public static readonly ArrayMap<ulong> Bytes = new(maxEntries: 2);

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Egress(SkBuffContext skb)
    {
        Bytes.Add(1, skb.Length);
        return Blocked.ContainsKey(skb.RemoteIPv4) ? SkbVerdict.Drop : SkbVerdict.Pass;
    }
}
