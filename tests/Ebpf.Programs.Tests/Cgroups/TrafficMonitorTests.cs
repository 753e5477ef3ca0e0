using Ebpf.Tests;
using TrafficMonitor;

namespace Ebpf.Programs.Tests.Cgroups;

/// <summary>The traffic monitor sample's C# program (samples/TrafficMonitor/TrafficProgram.cs) counting real traffic.</summary>
public class TrafficMonitorTests
{
    [KernelTheory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Counts_every_datagram_and_byte_per_direction(string host)
    {
        using var lab = new TrafficLab();
        Assert.NotNull(EmbeddedObjects.Find(typeof(TrafficProgram))); // the object the sample's build embedded, not one compiled here
        using var bpf = BpfObject.Load<TrafficProgram>();
        using var ingress = bpf.Programs[nameof(TrafficProgram.Ingress)].AsCgroupSkb().Attach(lab.Cgroup);
        using var egress = bpf.Programs[nameof(TrafficProgram.Egress)].AsCgroupSkb().Attach(lab.Cgroup);
        lab.StartServer(Peers.UdpEchoServer(host, 9500));
        Assert.Equal("done", lab.RunClient(Peers.UdpClient(host, 9500, 50)).Trim());

        // skb->len counts from the network header: IP and UDP headers plus the 32-byte payload.
        var bytes = 50UL * (ulong)((host.Contains(':') ? 40 : 20) + 8 + 32);
        var traffic = bpf.Maps["traffic"].AsArray<Counters>();
        Assert.Equal((50UL, bytes), (traffic[TrafficProgram.EgressSlot].Packets, traffic[TrafficProgram.EgressSlot].Bytes));   // what the client sent
        Assert.Equal((50UL, bytes), (traffic[TrafficProgram.IngressSlot].Packets, traffic[TrafficProgram.IngressSlot].Bytes)); // the echoes it received
    }
}
