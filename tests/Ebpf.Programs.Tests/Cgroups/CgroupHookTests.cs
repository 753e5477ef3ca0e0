using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Cgroups;

/// <summary>connect4, sysctl and device programs change what real processes in the cgroup can do.</summary>
public class CgroupHookTests
{
    [KernelFact]
    public void A_connect4_program_rewrites_the_port_a_real_connect_reaches()
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_kinds"), new BpfLoadOptions { Programs = ["redirect_port"] });
        using var attachment = bpf.Programs["redirect_port"].AsCgroupProgram().Attach(lab.Cgroup);
        const string client = """
            import socket
            s = socket.create_connection(('127.0.0.1', 9100), timeout=5)
            print(s.getpeername()[1], s.recv(16).decode())
            """;
        lab.StartServer(Peers.TcpGreeter("127.0.0.1", 9101));
        Assert.Equal("9101 hello", lab.RunClient(client).Trim()); // asked for 9100, reached 9101
        var outside = Assert.Throws<InvalidOperationException>(() => lab.RunClient(client, inCgroup: false));
        Assert.Contains("ConnectionRefusedError", outside.Message); // nobody listens on 9100 for processes outside
    }

    [KernelFact]
    public void A_sysctl_program_refuses_writes_but_not_reads()
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_kinds"), new BpfLoadOptions { Programs = ["sysctl_read_only"] });
        using var attachment = bpf.Programs["sysctl_read_only"].AsCgroupProgram().Attach(lab.Cgroup);
        // The namespace's own TTL setting: writing back the value it has changes nothing anywhere else.
        const string script = """
            path = '/proc/sys/net/ipv4/ip_default_ttl'
            value = open(path).read()
            try:
                with open(path, 'w') as f:
                    f.write(value)
                print('written')
            except PermissionError:
                print('refused')
            """;
        Assert.Equal("refused", lab.RunClient(script).Trim());
        Assert.Equal("written", lab.RunClient(script, inCgroup: false).Trim());
    }

    [KernelFact]
    public void A_device_program_denies_one_device()
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_kinds"), new BpfLoadOptions { Programs = ["deny_dev_random"] });
        using var attachment = bpf.Programs["deny_dev_random"].AsCgroupProgram().Attach(lab.Cgroup);
        const string script = """
            def tryopen(path):
                try:
                    open(path, 'rb').close()
                    return 'ok'
                except PermissionError:
                    return 'denied'
            print(tryopen('/dev/urandom'), tryopen('/dev/random'))
            """;
        Assert.Equal("ok denied", lab.RunClient(script).Trim());
        Assert.Equal("ok ok", lab.RunClient(script, inCgroup: false).Trim());
    }
}
