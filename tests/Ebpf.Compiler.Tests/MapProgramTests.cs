using Ebpf.Compiler.CodeGen;
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
        foreach (var map in new Ebpf.Kernel.BpfMap[] { MapPrograms.Flows, MapPrograms.Lengths, MapPrograms.Recent, MapPrograms.Events, MapPrograms.Results })
            map.Clear();
        var program = bpf.Programs[nameof(MapPrograms.Track)];
        var results = bpf.Maps["Results"].AsArray<long>();
        var random = new Random(42);
        var verdicts = new HashSet<SkbVerdict>();
        for (var n = 0; n < 2_000; n++)
        {
            var ip = new byte[random.Next(20, 600)];
            ip[0] = 0x45;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
            var frame = new byte[14 + ip.Length];
            frame[12] = 0x08;
            ip.CopyTo(frame, 14);
            var expected = MapPrograms.Track(SkBuffContext.ForTest(ip, protocol: EtherType.IPv4));
            var actual = (SkbVerdict)program.TestRun(frame).ReturnValue;
            Assert.True(expected == actual, $"packet {n} ({ip.Length} bytes): .NET {expected}, kernel {actual}");
            verdicts.Add(actual);
            for (uint i = 0; i < 6; i++)
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
