using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// Differential tests of the packet corpus: every program of <see cref="PacketPrograms"/>, compiled and loaded, gives the
/// verdict its .NET run gives on 10,000 generated packets (IPv4 and IPv6; TCP, UDP, ICMP; options; truncated and
/// oversized), and the maps it counts into end up equal.
/// </summary>
public class PacketCorpusTests
{
    private const int Packets = 10_000;

    public static TheoryData<string> Programs() => new("Tuple", "Options", "Icmp", "TupleSocket", "Tcp");

    [KernelFact]
    public void Many_constructs_at_once_agree_with_dotnet()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(MixedPrograms)));
        MixedPrograms.Tallies.Clear();
        MixedPrograms.Buckets.Clear();
        RunGeneratedPackets(bpf.Programs[nameof(MixedPrograms.Mixed)], MixedPrograms.Mixed, seed: 99);
        var tallies = bpf.Maps["Tallies"].AsArray<Tally>();
        for (uint i = 0; i < 4; i++)
            Assert.Equal(MixedPrograms.Tallies.Lookup(i), tallies[i]);
        var buckets = bpf.Maps["Buckets"].AsHashMap<uint, ulong>();
        Assert.Equal(MixedPrograms.Buckets.ToDictionary().OrderBy(p => p.Key), buckets.ToDictionary(p => p.Key, p => p.Value).OrderBy(p => p.Key));
    }

    [KernelTheory]
    [MemberData(nameof(Programs))]
    public void Kernel_and_dotnet_agree_on_generated_packets(string name)
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(PacketPrograms)));
        var method = typeof(PacketPrograms).GetMethod(name)!;
        PacketPrograms.Protocols.Clear();
        PacketPrograms.PortHits.Clear();
        RunGeneratedPackets(bpf.Programs[name], skb => (SkbVerdict)Convert.ToUInt32(method.Invoke(null, [skb])!), seed: name.Length * 104729);
        var protocols = bpf.Maps["Protocols"].AsArray<ulong>();
        for (uint i = 0; i < 256; i++)
            Assert.Equal(PacketPrograms.Protocols.Lookup(i), protocols[i]);
        var hits = bpf.Maps["PortHits"].AsHashMap<ushort, ulong>();
        var expectedHits = PacketPrograms.PortHits.ToDictionary();
        Assert.Equal(expectedHits.Count, hits.Count());
        foreach (var (port, count) in expectedHits)
            Assert.Equal(count, hits[port]);
    }

    [Fact]
    public void Packets_are_read_directly_where_the_program_type_allows_it_and_with_skb_load_bytes_elsewhere()
    {
        var obj = Ebpf.Object.BpfObjectFile.Read(ProgramCompiler.Compile(typeof(PacketPrograms)));
        static bool LoadBytes(Ebpf.Asm.Instruction i) => i.IsHelperCall && i.Imm == 26;
        static bool ReadsData(Ebpf.Asm.Instruction i) => i.Class == Ebpf.Asm.InstructionClass.Ldx && i.Offset == 76;
        var socket = obj.FindProgram("TupleSocket")!.Instructions;
        Assert.Contains(socket, LoadBytes);
        Assert.DoesNotContain(socket, ReadsData);
        var cgroup = obj.FindProgram("Tuple")!.Instructions;
        Assert.DoesNotContain(cgroup, LoadBytes);
        Assert.Contains(cgroup, ReadsData);
    }

    /// <summary>
    /// Runs <paramref name="program"/> in the kernel and <paramref name="managed"/> as .NET on the same generated packets:
    /// the verdicts must be equal every time, and both verdicts must occur.
    /// </summary>
    private static void RunGeneratedPackets(BpfProgram program, Func<SkBuffContext, SkbVerdict> managed, int seed)
    {
        var random = new Random(seed);
        var verdicts = new HashSet<SkbVerdict>();
        for (var n = 0; n < Packets; n++)
        {
            var (ip, protocol) = Generate(random);
            var expected = managed(SkBuffContext.ForTest(ip, protocol: protocol));
            var actual = (SkbVerdict)program.TestRun(TestFrames.Ethernet(ip, protocol)).ReturnValue;
            Assert.True(expected == actual, $"{program.Name} on packet {n} ({ip.Length} bytes, {protocol}): .NET says {expected}, the kernel {actual}: {Convert.ToHexString(ip.AsSpan(0, Math.Min(64, ip.Length)))}");
            verdicts.Add(actual);
        }
        Assert.Equal(2, verdicts.Count);
    }

    /// <summary>A network-layer packet: valid headers most of the time, with options, random bytes, truncation and oversize.</summary>
    private static (byte[] Ip, EtherType Protocol) Generate(Random random)
    {
        var v6 = random.Next(2) == 0;
        var transport = random.Next(4) switch { 0 => 6, 1 => 17, 2 => v6 ? 58 : 1, _ => random.Next(256) };
        var header = v6 ? 40 : 20 + 4 * (random.Next(3) == 0 ? random.Next(11) : 0);
        var length = random.Next(8) switch
        {
            // Truncated inside the options or the transport header (the test run itself refuses an IP packet shorter than
            // the fixed IP header).
            0 => random.Next(v6 ? 40 : 20, header + 8),
            1 => random.Next(1500, 3000),               // oversized: more than an Ethernet MTU
            _ => header + random.Next(8, 200),
        };
        var ip = new byte[length];
        random.NextBytes(ip);
        if (length >= 1) ip[0] = (byte)(v6 ? 0x60 | (ip[0] & 0x0f) : 0x40 | header / 4);
        if (v6 && length > 6) ip[6] = (byte)transport;
        if (!v6 && length > 9) ip[9] = (byte)transport;
        if (!v6 && length > 20 && header > 20)
            for (var o = 20; o < header && o < length; o++) // plausible options: NOPs, router alerts, sometimes a source route
                ip[o] = random.Next(6) switch { 0 => 1, 1 => 0x94, 2 => 4, 3 => 0x83, _ => ip[o] };
        var protocol = random.Next(20) == 0 ? EtherType.Arp : v6 ? EtherType.IPv6 : EtherType.IPv4;
        return (ip, protocol);
    }
}
