using System.Buffers.Binary;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Cgroups;

public class LinkUpdateTests
{
    private static ulong Seen(BpfObject bpf, uint slot)
    {
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(key, slot);
        return bpf.Maps["seen"].TryLookup(key, value) ? BinaryPrimitives.ReadUInt64LittleEndian(value) : 0;
    }

    [KernelFact]
    public void Swapping_the_program_of_a_link_loses_no_packet()
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load(Fixtures.Path("swap"));
        using var link = (BpfLink)bpf.Programs["count_a"].AsCgroupSkb().Attach(lab.Cgroup);
        // 10,000 datagrams to a port nobody listens on: each leaves the socket once, paced so the swap lands mid-stream.
        const string sender = """
            import socket, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for i in range(10000):
                s.sendto(b'z', ('127.0.0.1', 9999))
                if i % 100 == 99:
                    time.sleep(0.01)
            print('done')
            """;
        var client = Task.Run(() => lab.RunClient(sender));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Seen(bpf, 0) < 1000 && !client.IsCompleted && DateTime.UtcNow < deadline)
            Thread.Sleep(5);
        link.Update(bpf.Programs["count_b"]);
        Assert.Equal("done", client.Result.Trim());
        var (a, b) = (Seen(bpf, 0), Seen(bpf, 1));
        Assert.Equal(10_000UL, a + b);
        Assert.True(a > 0 && b > 0, $"the swap did not happen mid-stream (a={a}, b={b})");
    }
}
