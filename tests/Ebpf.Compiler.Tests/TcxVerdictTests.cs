using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>A negative verdict (TcAction.Unspec, tcx's "next") passes the build-time verdict check and reaches the kernel as -1.</summary>
public class TcxVerdictTests
{
    [License("GPL")]
    public static class Chain
    {
        [Tcx(TrafficDirection.Ingress)]
        public static TcAction Next(SkBuffContext skb) => skb.Length > 100 ? TcAction.Unspec : TcAction.Shot;
    }

    [KernelFact]
    public void A_tcx_program_may_return_unspec_to_run_the_next_program()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(Chain)));
        var program = bpf.Programs[nameof(Chain.Next)];
        foreach (var length in new[] { 60, 200 })
        {
            var frame = TestFrames.Ethernet(TestFrames.IPv4Packet(length));
            var expected = Chain.Next(SkBuffContext.ForTest(frame));
            Assert.Equal(expected, (TcAction)(int)program.TestRun(frame).ReturnValue);
        }
        Assert.Equal(TcAction.Unspec, Chain.Next(SkBuffContext.ForTest(TestFrames.Ethernet(TestFrames.IPv4Packet(200)))));
    }
}
