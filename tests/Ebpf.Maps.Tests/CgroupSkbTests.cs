namespace Ebpf.Maps.Tests;

public class CgroupSkbTests
{
    /// <summary>struct counters of cgroup_skb.c.</summary>
    public struct Traffic
    {
        public ulong Packets;
        public ulong Bytes;
    }

    [KernelFact]
    public void Traffic_counters_after_test_runs_of_count_egress()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var traffic = bpf.Maps["traffic"].AsArray<Traffic>();
        var packet = new byte[100];
        packet[12] = 0x08; // EtherType IPv4
        packet[14] = 0x45;
        var result = bpf.Programs["count_egress"].TestRun(packet, repeat: 5);
        Assert.Equal(1u, result.ReturnValue);

        var egress = traffic[1];
        Assert.Equal(5UL, egress.Packets);
        Assert.True(egress.Bytes >= 5 * 86UL, $"bytes {egress.Bytes}"); // skb->len, at least the packet minus the Ethernet header
        Assert.Equal(0UL, traffic[0].Packets);
        Assert.Equal(2, traffic.LookupBatch().Length);
    }

    [KernelFact]
    public void Blocked_hash_counts_hits_of_filter_egress()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var blocked = bpf.Maps["blocked"].AsHashMap<uint, ulong>();
        // The test run's socket takes its addresses from the IPv4 header: remote_ip4 is the destination.
        var packet = new byte[64];
        packet[12] = 0x08; packet[14] = 0x45; packet[23] = 17;
        byte[] dst = [10, 1, 2, 3];
        dst.CopyTo(packet, 30);
        uint remote = BitConverter.ToUInt32(dst);
        var filter = bpf.Programs["filter_egress"];
        Assert.Equal(1u, filter.TestRun(packet).ReturnValue);
        blocked[remote] = 0;
        Assert.Equal(0u, filter.TestRun(packet, repeat: 3).ReturnValue);
        Assert.Equal(3UL, blocked[remote]);
        Assert.True(blocked.Remove(remote));
        Assert.Equal(1u, filter.TestRun(packet).ReturnValue);
    }
}
