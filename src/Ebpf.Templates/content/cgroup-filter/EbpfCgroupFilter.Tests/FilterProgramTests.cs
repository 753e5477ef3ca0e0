using Ebpf.Kernel;

namespace EbpfCgroupFilter.Tests;

// The maps are static: the tests of this one class run one after another, each starting from empty maps.
public class FilterProgramTests
{
    // An IPv4 header (version 4, 20 bytes, UDP) as the program sees a packet: from the network header on.
    private static readonly byte[] Packet = [0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];

    public FilterProgramTests()
    {
        FilterProgram.BlockedPorts.Clear();
        FilterProgram.Verdicts.Clear();
    }

    [Fact]
    public void A_packet_to_a_blocked_port_is_dropped_and_counted()
    {
        FilterProgram.BlockedPorts.Update(9999, 0);

        Assert.Equal(SkbVerdict.Drop, FilterProgram.Egress(SkBuffContext.ForTest(Packet, remote: "127.0.0.1", remotePort: 9999)));
        Assert.Equal(1UL, FilterProgram.Verdicts.Lookup(FilterProgram.DroppedSlot));
        Assert.Equal(0UL, FilterProgram.Verdicts.Lookup(FilterProgram.PassedSlot));
    }

    [Fact]
    public void Other_ports_pass()
    {
        FilterProgram.BlockedPorts.Update(9999, 0);

        Assert.Equal(SkbVerdict.Pass, FilterProgram.Egress(SkBuffContext.ForTest(Packet, remote: "127.0.0.1", remotePort: 443)));
        Assert.Equal(SkbVerdict.Pass, FilterProgram.Egress(SkBuffContext.ForTest(Packet, remote: "127.0.0.1", remotePort: 9998)));
        Assert.Equal(2UL, FilterProgram.Verdicts.Lookup(FilterProgram.PassedSlot));
        Assert.Equal(0UL, FilterProgram.Verdicts.Lookup(FilterProgram.DroppedSlot));
    }
}
