using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>A branch folded on a constant argument leaves the IL stack of its dead fall-through intact (it once lost the map receiver).</summary>
public class ConstantBranchTests
{
    [KernelFact]
    public void An_inlined_helper_with_a_constant_argument_counts_in_the_slot_it_chooses()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(ConstantBranchPrograms)));
        var program = bpf.Programs[nameof(ConstantBranchPrograms.Filter)];
        foreach (var length in new[] { 60, 80, 200, 300, 400 })
        {
            var ip = TestFrames.IPv4Packet(length);
            Assert.Equal(ConstantBranchPrograms.Filter(SkBuffContext.ForTest(ip)), (SkbVerdict)program.TestRun(TestFrames.Ethernet(ip)).ReturnValue);
        }
        var verdicts = bpf.Maps["Verdicts"].AsArray<ulong>();
        Assert.Equal((2UL, 3UL), (verdicts[0], verdicts[1]));
    }
}
