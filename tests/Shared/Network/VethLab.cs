using System.Diagnostics;

namespace Ebpf.Tests;

/// <summary>
/// Two network namespaces joined by a veth pair made inside them (so no name meets the host's): <see cref="EndA"/> at
/// <see cref="AddressA"/> in <see cref="A"/> sends, <see cref="EndB"/> at <see cref="AddressB"/> in <see cref="B"/> receives,
/// and programs attach to either end. Static neighbours: no ARP is pending when counting starts and none is counted.
/// Traffic is bounded: a given number of pings, datagrams or connections, never a flood. Dispose deletes both
/// namespaces, and with them the pair and anything left on it.
/// </summary>
public sealed class VethLab : IDisposable
{
    public const string AddressA = "192.0.2.1", AddressB = "192.0.2.2";
    public const string EndA = "veth-a", EndB = "veth-b";
    private const string MacA = "02:00:00:00:0a:01", MacB = "02:00:00:00:0b:01";

    private readonly TestNamespace? _a, _b;

    public VethLab()
    {
        try
        {
            _a = new TestNamespace("ebpf-a");
            _b = new TestNamespace("ebpf-b");
            Command.Run("ip", "link", "add", EndA, "netns", A.Name, "address", MacA, "type", "veth",
                "peer", "name", EndB, "netns", B.Name, "address", MacB);
            Configure(A, EndA, AddressA, AddressB, MacB);
            Configure(B, EndB, AddressB, AddressA, MacA);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public TestNamespace A => _a!;
    public TestNamespace B => _b!;

    public NetInterface InterfaceA => NetInterface.Get(EndA, A.Netns);
    public NetInterface InterfaceB => NetInterface.Get(EndB, B.Netns);

    private static void Configure(TestNamespace ns, string dev, string address, string peer, string peerMac)
    {
        ns.Ip("addr", "add", address + "/24", "dev", dev);
        ns.Ip("link", "set", dev, "up");
        ns.Ip("neigh", "replace", peer, "lladdr", peerMac, "dev", dev, "nud", "permanent");
    }

    /// <summary>Sends <paramref name="count"/> ICMP echo requests from A to B, each after the previous reply; returns how many were answered.</summary>
    public int Ping(int count) => int.Parse(A.Exec("python3", "-c", $$"""
        import socket, struct
        def checksum(b):
            s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
            s = (s >> 16) + (s & 0xffff)
            return ~(s + (s >> 16)) & 0xffff
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.settimeout(2)
        answered = 0
        for i in range({{count}}):
            body = struct.pack('!BBHHH', 8, 0, 0, 0x4242, i) + b'x' * 16
            s.sendto(struct.pack('!BBHHH', 8, 0, checksum(body), 0x4242, i) + b'x' * 16, ('{{AddressB}}', 0))
            while True:
                try:
                    d = s.recv(256)
                except socket.timeout:
                    break
                if d[20] == 0 and struct.unpack('!HH', d[24:28]) == (0x4242, i):
                    answered += 1
                    break
        print(answered)
        """).Trim());

    /// <summary>Sends <paramref name="count"/> UDP datagrams from A to B's <paramref name="port"/>, without waiting for them to arrive.</summary>
    public void SendUdp(int port, int count) =>
        A.Exec("python3", "-c", $"import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range({count}): s.sendto(b'x' * 16, ('{AddressB}', {port}))");

    /// <summary>Starts sending <paramref name="count"/> datagrams to B's <paramref name="port"/>, paced 2,000 a second, without waiting.</summary>
    public Process StartUdp(int port, int count) =>
        Process.Start(new ProcessStartInfo("ip", ["netns", "exec", A.Name, "python3", "-c",
            $"import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range({count}):\n    s.sendto(b'x' * 16, ('{AddressB}', {port}))\n    if i % 20 == 19: time.sleep(0.01)"]))!;

    /// <summary>
    /// Sends, from A, <c>count</c> datagrams to each of B's <paramref name="sends"/> ports, where B listens on all of them,
    /// and returns how many arrived on each port (B waits until 300 ms pass without one).
    /// </summary>
    public int[] DeliverUdp(params (int Port, int Count)[] sends)
    {
        var ports = string.Join(", ", sends.Select(s => s.Port));
        using var receiver = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", B.Name, "python3", "-u", "-c", $$"""
            import select, socket, sys
            ports = [{{ports}}]
            socks = {}
            for port in ports:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(('{{AddressB}}', port))
                socks[s] = port
            counts = dict((p, 0) for p in ports)
            print('ready', flush=True)
            reporting = False
            while True:
                ready, _, _ = select.select(list(socks) + ([] if reporting else [sys.stdin]), [], [], 0.3 if reporting else 30)
                if not ready:
                    break
                for r in ready:
                    if r is sys.stdin:
                        sys.stdin.readline()
                        reporting = True
                    else:
                        r.recv(2048)
                        counts[socks[r]] += 1
            print(' '.join(str(counts[p]) for p in ports), flush=True)
            """])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        })!;
        try
        {
            var ready = receiver.StandardOutput.ReadLine();
            if (ready != "ready")
                throw new InvalidOperationException($"receiver did not start: {ready} {receiver.StandardError.ReadToEnd()}");
            foreach (var (port, count) in sends)
                SendUdp(port, count);
            receiver.StandardInput.WriteLine("report");
            receiver.StandardInput.Flush();
            var counts = receiver.StandardOutput.ReadLine()?.Split(' ')
                ?? throw new InvalidOperationException("receiver ended early: " + receiver.StandardError.ReadToEnd());
            return counts.Select(int.Parse).ToArray();
        }
        finally
        {
            if (!receiver.WaitForExit(10_000)) receiver.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// Opens <paramref name="count"/> TCP connections from A to a port of B where nothing listens, one SYN each (0.5 s
    /// timeout, before the first retransmission): how many were refused (B answered with a reset) and how many timed out
    /// (the SYN was dropped).
    /// </summary>
    public (int Refused, int TimedOut) ConnectBFromA(int count)
    {
        var parts = A.Exec("python3", "-c", $$"""
            import socket
            refused = timed_out = 0
            for i in range({{count}}):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(0.5)
                try:
                    s.connect(('{{AddressB}}', 9))
                except ConnectionRefusedError:
                    refused += 1
                except socket.timeout:
                    timed_out += 1
                s.close()
            print(refused, timed_out)
            """).Trim().Split(' ');
        return (int.Parse(parts[0]), int.Parse(parts[1]));
    }

    /// <summary>`ip link show` of B's end: carries "xdp" (xdpgeneric, xdpdrv) while an XDP program is attached.</summary>
    public string LinkShowB() => B.Ip("link", "show", "dev", EndB);

    public void Dispose()
    {
        _a?.Dispose();
        _b?.Dispose();
    }
}
