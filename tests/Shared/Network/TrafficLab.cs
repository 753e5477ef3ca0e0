using System.Diagnostics;

namespace Ebpf.Tests;

/// <summary>
/// A network namespace with only loopback, a child cgroup, and helpers that run a Python peer inside the
/// namespace, either outside the cgroup (servers) or inside it (clients). Everything is removed on Dispose,
/// servers included.
/// </summary>
internal sealed class TrafficLab : IDisposable
{
    private readonly List<Process> _servers = [];

    public TrafficLab()
    {
        Namespace = "ebpf-test-" + Guid.NewGuid().ToString("n")[..8];
        Command.Run("ip", "netns", "add", Namespace);
        Command.Run("ip", "netns", "exec", Namespace, "ip", "link", "set", "lo", "up");
        Cgroup = Ebpf.Cgroup.Create(Namespace);
    }

    public string Namespace { get; }

    public Cgroup Cgroup { get; }

    /// <summary>Adds an address to the namespace's loopback (IPv6 has only ::1 there by default).</summary>
    public void AddLoopbackAddress(string cidr) => Command.Run("ip", "netns", "exec", Namespace, "ip", "addr", "add", cidr, "dev", "lo");

    /// <summary>Packets loopback has sent in the namespace: every packet between two local sockets, once.</summary>
    public long LoopbackPackets() => long.Parse(Command.Run("ip", "netns", "exec", Namespace, "cat", "/sys/class/net/lo/statistics/tx_packets").Trim());

    /// <summary>Starts a Python program in the namespace (outside the cgroup) and waits until it prints "ready".</summary>
    public Process StartServer(string script)
    {
        var p = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", Namespace, "python3", "-u", "-c", script])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        _servers.Add(p);
        var line = p.StandardOutput.ReadLine();
        if (line != "ready")
            throw new InvalidOperationException($"server did not start: {line} {p.StandardError.ReadToEnd()}");
        return p;
    }

    /// <summary>Runs a Python program in the namespace and inside the cgroup; returns its output, failing on a non-zero exit.</summary>
    public string RunClient(string script, bool inCgroup = true)
    {
        // Join the cgroup before entering the namespace: `ip netns exec` remounts /sys, hiding cgroupfs.
        var enter = inCgroup ? $"echo $$ > {Cgroup.Path}/cgroup.procs && " : "";
        return Command.Run("sh", "-c", enter + $"exec ip netns exec {Namespace} python3 -u -c \"$0\"", script);
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
            server.Dispose();
        }
        Cgroup.Dispose();
        try { Command.Run("ip", "netns", "delete", Namespace); } catch (InvalidOperationException) { }
    }
}

/// <summary>The Python peers: an echo server per protocol, and clients that talk to it a bounded number of times.</summary>
internal static class Peers
{
    public static string UdpEchoServer(string host, int port) => $$"""
        import socket
        family = socket.AF_INET6 if ':' in '{{host}}' else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.bind(('{{host}}', {{port}}))
        print('ready', flush=True)
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(data, peer)
        """;

    public static string UdpClient(string host, int port, int count) => $$"""
        import socket
        family = socket.AF_INET6 if ':' in '{{host}}' else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.settimeout(5)
        for i in range({{count}}):
            s.sendto(b'x' * 32, ('{{host}}', {{port}}))
            s.recvfrom(2048)
        print('done')
        """;

    /// <summary>Accepts connections until killed and greets each with "hello".</summary>
    public static string TcpGreeter(string host, int port) => $$"""
        import socket
        s = socket.socket(socket.AF_INET6 if ':' in '{{host}}' else socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('{{host}}', {{port}}))
        s.listen(8)
        print('ready', flush=True)
        while True:
            c, _ = s.accept()
            c.sendall(b'hello')
            c.close()
        """;

    /// <summary>Echoes each message; after the last one the server closes first, so the client never lingers in TIME_WAIT.</summary>
    public static string TcpEchoServer(string host, int port, int messages) => $$"""
        import socket
        family = socket.AF_INET6 if ':' in '{{host}}' else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('{{host}}', {{port}}))
        s.listen(1)
        print('ready', flush=True)
        c, _ = s.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range({{messages}}):
            data = b''
            while len(data) < 16:
                data += c.recv(16 - len(data))
            c.sendall(data)
        c.close()
        """;

    public static string TcpClient(string host, int port, int messages) => $$"""
        import socket, time
        family = socket.AF_INET6 if ':' in '{{host}}' else socket.AF_INET
        s = socket.create_connection(('{{host}}', {{port}}), timeout=5)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range({{messages}}):
            s.sendall(b'y' * 16)
            data = b''
            while len(data) < 16:
                data += s.recv(16 - len(data))
        assert s.recv(16) == b''   # the server closed first
        s.close()
        time.sleep(0.2)            # let the last ACK arrive while the socket is still in LAST_ACK
        print('done')
        """;
}
