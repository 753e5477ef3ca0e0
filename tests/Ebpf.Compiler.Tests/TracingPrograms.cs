using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>A program that logs through bpf_trace_printk: the format literal goes to .rodata.</summary>
[License("GPL")]
public sealed class TracingPrograms
{
    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Log(SkBuffContext skb)
    {
        var marker = (int)skb.Length - 1000;
        Bpf.Printk("ebpf-dotnet len=%u delta=%d proto=%x\n", skb.Length, marker, (ushort)skb.Protocol);
        return SkbVerdict.Pass;
    }
}
