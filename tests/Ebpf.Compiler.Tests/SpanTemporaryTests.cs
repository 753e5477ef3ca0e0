using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// Spans of different lengths in one method, compiled from this project's unoptimized IL: Roslyn's debug IL builds every
/// <c>stackalloc</c> span in one shared temporary and copies it to its local, so the temporary holds 16 bytes' span, then
/// 4's. Each local keeps the length it was given (this was EBPF068 "length not known" in a Debug build).
/// </summary>
public class SpanTemporaryTests
{
    [License("GPL")]
    public static class TwoSpans
    {
        [CgroupSkb(CgroupSkbDirection.Egress)]
        public static SkbVerdict Lengths(SkBuffContext skb)
        {
            Span<byte> name = stackalloc byte[16];
            Bpf.GetCurrentComm(name);
            Span<byte> head = stackalloc byte[4];
            var loaded = skb.LoadBytes(0, head);
            return loaded == 0 && name.Length == 16 && head.Length == 4 && head[0] >> 4 == 4 ? SkbVerdict.Pass : SkbVerdict.Drop;
        }
    }

    [KernelFact]
    public void Each_span_keeps_its_length_through_the_shared_temporary()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(TwoSpans)));
        var program = bpf.Programs[nameof(TwoSpans.Lengths)];
        foreach (var first in new byte[] { 0x45, 0x60 })
        {
            var ip = new byte[40];
            ip[0] = first;
            var expected = TwoSpans.Lengths(SkBuffContext.ForTest(ip, protocol: EtherType.IPv4));
            Assert.Equal(expected, (SkbVerdict)program.TestRun(TestFrames.Ethernet(ip)).ReturnValue);
        }
        Assert.Equal(SkbVerdict.Pass, TwoSpans.Lengths(SkBuffContext.ForTest([0x45, 0, 0, 0], protocol: EtherType.IPv4)));
    }
}
