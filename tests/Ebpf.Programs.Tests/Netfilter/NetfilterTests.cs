using Ebpf.Programs.Tests.Cgroups;
using Ebpf.Programs.Tests.Iterators;
using Ebpf.Programs.Tests.Sockets;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Netfilter;

[Collection(Iterators.AttachKindsCollection.Name)]
public class NetfilterTests
{
    /// <summary>Two namespaces joined by a veth pair: a at 192.0.2.1, b at 192.0.2.2.</summary>
    private sealed class VethPair : IDisposable
    {
        public readonly TestNetns A = new(), B = new();

        public VethPair()
        {
            var (va, vb) = ("nfa" + A.Name[^6..], "nfb" + B.Name[^6..]);
            TrafficLab.Run("ip", "link", "add", va, "netns", A.Name, "type", "veth", "peer", "name", vb, "netns", B.Name);
            A.Exec("ip", "addr", "add", "192.0.2.1/24", "dev", va);
            B.Exec("ip", "addr", "add", "192.0.2.2/24", "dev", vb);
            A.Exec("ip", "link", "set", va, "up");
            B.Exec("ip", "link", "set", vb, "up");
        }

        /// <summary>
        /// Opens <paramref name="count"/> TCP connections from a to a port of b where nothing listens, one SYN each
        /// (0.5 s timeout, before the first retransmission): returns how many were refused (b answered with a reset)
        /// and how many timed out (the SYN was dropped).
        /// </summary>
        public (int Refused, int TimedOut) ConnectBFromA(int count)
        {
            var script = $$"""
                import socket
                refused = timed_out = 0
                for i in range({{count}}):
                    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    s.settimeout(0.5)
                    try:
                        s.connect(('192.0.2.2', 9))
                    except ConnectionRefusedError:
                        refused += 1
                    except socket.timeout:
                        timed_out += 1
                    s.close()
                print(refused, timed_out)
                """;
            var parts = A.Exec("python3", "-c", script).Trim().Split(' ');
            return (int.Parse(parts[0]), int.Parse(parts[1]));
        }

        public void Dispose() { A.Dispose(); B.Dispose(); }
    }

    [KernelFact]
    public void A_netfilter_program_drops_packets_at_local_in_of_its_namespace_until_disposed()
    {
        using var veth = new VethPair();
        Assert.Equal((3, 0), veth.ConnectBFromA(3)); // the path works before the program: b resets each connection
        using var bpf = BpfObject.Load(Fixtures.Path("netfilter"));
        var seen = bpf.Maps["seen"].AsArray<ulong>();
        using var b = NetworkNamespace.Open(veth.B.Name);
        using (var link = b.Run(() => bpf.Programs["drop_all"].AsNetfilter().Attach(NetfilterFamily.IPv4, NetfilterHook.LocalIn, priority: -128)))
        {
            Assert.Equal(BpfLinkType.Netfilter, link.Info.Type);
            Assert.Equal((0, 4), veth.ConnectBFromA(4));
            Assert.Equal(4UL, seen[0]); // each SYN seen once, at b's LOCAL_IN, and dropped there
        }
        Assert.Equal((3, 0), veth.ConnectBFromA(3));
        Assert.Equal(4UL, seen[0]);
    }

    [KernelFact]
    public void Attach_and_dispose_a_thousand_times_leaks_no_descriptor_and_no_link()
    {
        using var ns = new TestNetns();
        using var netns = NetworkNamespace.Open(ns.Name);
        using var bpf = BpfObject.Load(Fixtures.Path("netfilter"));
        var program = bpf.Programs["drop_all"].AsNetfilter();
        uint lastId = 0;
        netns.Run(() =>
        {
            LeakCheck.NoFdLeak(1000, () =>
            {
                using var link = program.Attach(NetfilterFamily.IPv6, NetfilterHook.LocalOut, priority: 10);
                lastId = link.Info.Id;
            });
            return 0;
        });
        Assert.False(LeakCheck.LinkExists(lastId));
    }

    [KernelFact]
    public void A_reserved_priority_is_refused_before_the_kernel_with_the_fix()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("netfilter"));
        var e = Assert.Throws<BpfException>(() => bpf.Programs["drop_all"].AsNetfilter().Attach(NetfilterFamily.IPv4, NetfilterHook.LocalIn, int.MinValue));
        Assert.Contains("drop_all", e.Message);
        Assert.Contains("strictly between", e.Message);
    }
}
