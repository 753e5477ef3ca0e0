using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// Struct map values through refs and copies, update/remove, queue, stack and ring buffer: the kernel and the .NET run
/// agree on every verdict and every helper's result, and end with the same map contents.
/// </summary>
public class MapProgramTests
{
    [KernelFact]
    public void Kernel_and_dotnet_agree_on_verdicts_results_and_maps()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(MapPrograms)));
        foreach (var map in new KernelMap[] { MapPrograms.Flows, MapPrograms.Lengths, MapPrograms.Recent, MapPrograms.Events, MapPrograms.Results })
            map.Clear();
        var program = bpf.Programs[nameof(MapPrograms.Track)];
        var results = bpf.Maps["Results"].AsArray<long>();
        var random = new Random(42);
        var verdicts = new HashSet<SkbVerdict>();
        for (var n = 0; n < 10_000; n++)
        {
            var ip = TestFrames.IPv4Packet(random.Next(20, 600));
            var frame = TestFrames.Ethernet(ip);
            var expected = MapPrograms.Track(SkBuffContext.ForTest(ip, protocol: EtherType.IPv4));
            var actual = (SkbVerdict)program.TestRun(frame).ReturnValue;
            Assert.True(expected == actual, $"packet {n} ({ip.Length} bytes): .NET {expected}, kernel {actual}");
            verdicts.Add(actual);
            for (uint i = 0; i < 7; i++)
                Assert.True(MapPrograms.Results.Lookup(i) == results[i], $"packet {n}: Results[{i}] is {MapPrograms.Results.Lookup(i)} in .NET, {results[i]} in the kernel");
        }
        Assert.Equal(2, verdicts.Count);
        var flows = bpf.Maps["Flows"].AsHashMap<uint, FlowStats>();
        var expectedFlows = MapPrograms.Flows.ToDictionary();
        Assert.Equal(expectedFlows.Count, flows.Count());
        foreach (var (key, stats) in expectedFlows)
            Assert.Equal(stats, flows[key]);
        Assert.Contains(-(long)Errno.EAGAIN, new[] { results[5] }); // the ring buffer filled up (no reader), in both
    }
}

public class PerfOutputTests
{
    [KernelFact]
    public void Perf_event_output_passes_its_arguments_in_the_kernels_order()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(PerfPrograms)));
        var frame = TestFrames.Ethernet(TestFrames.IPv4Packet(50));
        Assert.Equal((uint)SkbVerdict.Pass, bpf.Programs[nameof(PerfPrograms.Report)].TestRun(frame).ReturnValue);
        // No perf event is open on this CPU's slot, so the kernel answers -ENOENT: it got the map, the flags (current
        // CPU) and the data where it looks for them (a wrong order fails the verifier, or answers -EINVAL/-E2BIG).
        Assert.Equal(-(long)Errno.ENOENT, bpf.Maps["Results"].AsArray<long>()[0]);
    }
}

public class TailCallTests
{
    [KernelFact]
    public void A_tail_call_runs_the_slots_program_or_returns_the_fallback()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(TailCallPrograms)));
        var entry = bpf.Programs[nameof(TailCallPrograms.Entry)];
        var small = TestFrames.Ethernet(TestFrames.IPv4Packet(60));
        var large = TestFrames.Ethernet(TestFrames.IPv4Packet(400));
        Assert.Equal((uint)SkbVerdict.Pass, entry.TestRun(large).ReturnValue); // empty slot: the fallback
        bpf.Maps["Jumps"].AsProgramArray().Set(1, bpf.Programs[nameof(TailCallPrograms.DropAll)]);
        Assert.Equal((uint)SkbVerdict.Drop, entry.TestRun(large).ReturnValue);
        Assert.Equal((uint)SkbVerdict.Pass, entry.TestRun(small).ReturnValue); // slot 0 still empty
    }
}
