using Ebpf.Kernel;

namespace EbpfXdpCounter.Tests;

// The map is static: the tests of this one class run one after another, each starting from an empty map.
public class CounterProgramTests
{
    public CounterProgramTests() => CounterProgram.Protocols.Clear();

    [Fact]
    public void IPv4_packets_are_counted_per_protocol_and_passed()
    {
        Assert.Equal(XdpAction.Pass, CounterProgram.Count(XdpContext.ForTest(Frame(etherType: 0x0800, protocol: 6))));
        Assert.Equal(XdpAction.Pass, CounterProgram.Count(XdpContext.ForTest(Frame(etherType: 0x0800, protocol: 6))));
        Assert.Equal(XdpAction.Pass, CounterProgram.Count(XdpContext.ForTest(Frame(etherType: 0x0800, protocol: 17))));

        Assert.Equal(2UL, CounterProgram.Protocols.Lookup(6));
        Assert.Equal(1UL, CounterProgram.Protocols.Lookup(17));
    }

    [Fact]
    public void Other_frames_pass_uncounted()
    {
        Assert.Equal(XdpAction.Pass, CounterProgram.Count(XdpContext.ForTest(Frame(etherType: 0x86dd, protocol: 6)))); // IPv6
        Assert.Equal(XdpAction.Pass, CounterProgram.Count(XdpContext.ForTest(new byte[10]))); // shorter than an Ethernet header

        Assert.Equal(0UL, CounterProgram.Protocols.Lookup(6));
    }

    // An Ethernet frame with a 20-byte IPv4 header of the given protocol.
    private static byte[] Frame(ushort etherType, byte protocol)
    {
        var frame = new byte[14 + 20];
        frame[12] = (byte)(etherType >> 8);
        frame[13] = (byte)etherType;
        frame[14] = 0x45;
        frame[14 + 9] = protocol;
        return frame;
    }
}
