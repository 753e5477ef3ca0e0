using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Object;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>A C# program class compiled to an object (sections from its attributes, maps from its [Map] fields), loaded, run and attached.</summary>
public class TrafficCounterTests
{
    [Fact]
    public void The_object_has_the_programs_sections_maps_and_license_of_the_class()
    {
        var obj = BpfObjectFile.Read(ProgramCompiler.Compile(typeof(TrafficCounter)));
        Assert.Equal("GPL", obj.License);
        Assert.Equal(["cgroup_skb/ingress", "cgroup_skb/egress"], obj.Programs.Select(p => p.SectionName));
        Assert.Equal(["CountIngress", "CountEgress"], obj.Programs.Select(p => p.Name));
        Assert.All(obj.Maps, m => Assert.Equal((BpfMapType.Array, 4u, 8u, 2u), (m.Type, m.KeySize, m.ValueSize, m.MaxEntries)));
        Assert.Equal(["Bytes", "Packets"], obj.Maps.Select(m => m.Name).Order());
    }

    [KernelFact]
    public void Test_runs_count_like_the_dotnet_run()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(TrafficCounter)));
        var frame = TestFrames.Ethernet(TestFrames.IPv4Packet(86));
        Assert.Equal((uint)SkbVerdict.Pass, bpf.Programs["CountEgress"].TestRun(frame, repeat: 5).ReturnValue);

        TrafficCounter.Packets.Clear();
        TrafficCounter.Bytes.Clear();
        for (var i = 0; i < 5; i++)
            TrafficCounter.CountEgress(SkBuffContext.ForTest(frame.AsSpan(14)));

        var packets = bpf.Maps["Packets"].AsArray<ulong>();
        var bytes = bpf.Maps["Bytes"].AsArray<ulong>();
        Assert.Equal(TrafficCounter.Packets.Lookup(1), packets[1]);
        Assert.Equal(TrafficCounter.Bytes.Lookup(1), bytes[1]);
        Assert.Equal((5UL, 5UL * 86), (packets[1], bytes[1]));
        Assert.Equal(0UL, packets[0]);
    }

    [KernelFact]
    public void Attached_to_a_cgroup_it_counts_real_datagrams_exactly()
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(TrafficCounter)));
        using var ingress = bpf.Programs["CountIngress"].AsCgroupSkb().Attach(lab.Cgroup);
        using var egress = bpf.Programs["CountEgress"].AsCgroupSkb().Attach(lab.Cgroup);
        lab.StartServer(Peers.UdpEchoServer("127.0.0.1", 9500));
        Assert.Equal("done", lab.RunClient(Peers.UdpClient("127.0.0.1", 9500, 40)).Trim());
        var packets = bpf.Maps["Packets"].AsArray<ulong>();
        var bytes = bpf.Maps["Bytes"].AsArray<ulong>();
        Assert.Equal((40UL, 40UL), (packets[0], packets[1]));
        Assert.Equal((40UL * (20 + 8 + 32), 40UL * (20 + 8 + 32)), (bytes[0], bytes[1]));
    }
}

public class CompiledLineInfoTests
{
    [Fact]
    public void Compiled_programs_carry_line_info_with_the_csharp_text()
    {
        var program = BpfObjectFile.Read(ProgramCompiler.Compile(typeof(TrafficCounter))).FindProgram("CountEgress")!;
        Assert.Equal(0, program.LineInfos[0].InstructionOffset);
        Assert.Contains(program.LineInfos, l => l.FileName.EndsWith("TrafficCounter.cs") && l.LineText == "Bytes.Add(1, skb.Length);");
    }

    [KernelFact]
    public void A_refusal_points_at_the_csharp_line()
    {
        var e = Assert.Throws<BpfProgramRejectedException>(() => BpfObject.Load(ProgramCompiler.Compile(typeof(RefusedPrograms))));
        Assert.Contains("invalid mem access 'map_value_or_null'", e.Log);
        Assert.Equal("RefusedPrograms.cs:15: count++; // line 15: no Unsafe.IsNullRef(ref count) first", e.SourceLine);
        Assert.Contains("RefusedPrograms.cs:15", e.Message);
    }
}

public class LoadByTypeTests
{
    [KernelFact]
    public void BpfObject_Load_of_a_program_class_gives_its_programs_and_maps()
    {
        using var bpf = BpfObject.Load(typeof(TrafficCounter)); // a static class: by Type, since C# forbids it as a type argument
        Assert.Equal(["CountEgress", "CountIngress"], bpf.Programs.Names.Order());
        var frame = TestFrames.Ethernet(TestFrames.IPv4Packet(50));
        Assert.Equal(1u, bpf.Programs["CountIngress"].TestRun(frame, repeat: 3).ReturnValue);
        Assert.Equal(3UL, bpf.Maps["Packets"].AsArray<ulong>()[0]);
        Assert.Same(EmbeddedObjects.ObjectOf(typeof(TrafficCounter)), EmbeddedObjects.ObjectOf(typeof(TrafficCounter))); // compiled once
    }
}
