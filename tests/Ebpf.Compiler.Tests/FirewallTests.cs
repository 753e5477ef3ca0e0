using System.Net;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

public class FirewallTests
{
    // TCP, so the socket has a remote address (skb->remote_ip4 comes from the socket); a dropped SYN shows as a timeout.
    private const string Connect = """
        import socket
        try:
            s = socket.create_connection(('HOST', 9600), timeout=1.5)
            print(s.recv(16).decode())
        except (PermissionError, TimeoutError):
            print('blocked')
        """;

    [KernelFact]
    public void The_design_example_blocks_an_address_for_its_cgroup()
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load<Firewall>();
        var blocked = bpf.Maps["Blocked"].AsHashMap<uint, ulong>();
        blocked[BitConverter.ToUInt32(IPAddress.Parse("127.0.0.2").GetAddressBytes())] = 1; // network order, as the kernel holds it
        lab.StartServer(Peers.TcpGreeter("127.0.0.1", 9600));
        lab.StartServer(Peers.TcpGreeter("127.0.0.2", 9600));
        using (bpf.Programs["Egress"].AsCgroupSkb().Attach(lab.Cgroup))
        {
            Assert.Equal("hello", lab.RunClient(Connect.Replace("HOST", "127.0.0.1")).Trim());
            Assert.Equal("blocked", lab.RunClient(Connect.Replace("HOST", "127.0.0.2")).Trim());
            Assert.Equal("hello", lab.RunClient(Connect.Replace("HOST", "127.0.0.2"), inCgroup: false).Trim());
            Assert.True(bpf.Maps["Bytes"].AsArray<ulong>()[1] > 0);
        }
        Assert.Equal("hello", lab.RunClient(Connect.Replace("HOST", "127.0.0.2")).Trim()); // detached
    }
}
