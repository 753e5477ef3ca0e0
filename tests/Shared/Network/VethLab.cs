using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

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
            // A veth end passes traffic once both ends are up and it has a carrier; the first packets may be lost before.
            if (!SpinWait.SpinUntil(() => Up(A, EndA) && Up(B, EndB), 5000))
                throw new InvalidOperationException($"the veth pair did not come up in 5 s: {A.Ip("link", "show", "dev", EndA)}{B.Ip("link", "show", "dev", EndB)}");
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

    private static bool Up(TestNamespace ns, string dev) => ns.Ip("link", "show", "dev", dev) is var shown && shown.Contains("LOWER_UP") && shown.Contains("state UP");

    private static void Configure(TestNamespace ns, string dev, string address, string peer, string peerMac)
    {
        ns.Ip("addr", "add", address + "/24", "dev", dev);
        ns.Ip("link", "set", dev, "up");
        ns.Ip("neigh", "replace", peer, "lladdr", peerMac, "dev", dev, "nud", "permanent");
    }

    // Traffic goes through sockets this process opens inside the namespaces (a thread that entered one makes them; they
    // stay in it): no interpreter to start per exchange, which cost seconds on a loaded machine.
    private static readonly IPAddress B4 = IPAddress.Parse(AddressB);

    private static Socket Open(TestNamespace ns, SocketType type, ProtocolType protocol) =>
        ns.Netns.Run(() => new Socket(AddressFamily.InterNetwork, type, protocol));

    /// <summary>Sends <paramref name="count"/> ICMP echo requests from A to B, each after the previous reply (or 2 s); returns how many were answered.</summary>
    public int Ping(int count)
    {
        const ushort id = 0x4242;
        using var icmp = Open(A, SocketType.Raw, ProtocolType.Icmp);
        var reply = new byte[256];
        int answered = 0;
        for (int seq = 0; seq < count; seq++)
        {
            icmp.SendTo(EchoRequest(id, (ushort)seq), new IPEndPoint(B4, 0));
            for (var deadline = Environment.TickCount64 + 2000; Environment.TickCount64 < deadline;)
            {
                if (!icmp.Poll((int)(deadline - Environment.TickCount64) * 1000, SelectMode.SelectRead)) break;
                int n = icmp.Receive(reply), ip = (reply[0] & 0xf) * 4; // a raw socket receives the IP header too
                if (n >= ip + 8 && reply[ip] == 0 /* echo reply */
                    && BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(ip + 4)) == id && BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(ip + 6)) == seq)
                {
                    answered++;
                    break;
                }
            }
        }
        return answered;
    }

    private static byte[] EchoRequest(ushort id, ushort seq)
    {
        var packet = new byte[8 + 16];
        packet[0] = 8; // echo request
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), seq);
        packet.AsSpan(8).Fill((byte)'x');
        uint sum = 0;
        for (int i = 0; i < packet.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(i));
        sum = (sum >> 16) + (sum & 0xffff);
        sum += sum >> 16;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)~sum);
        return packet;
    }

    /// <summary>
    /// Sends <paramref name="count"/> UDP datagrams from A to B's <paramref name="port"/>. Nothing acknowledges them, so it
    /// returns 100 ms after the last one left: time for B to take them in, as softirqs may run deferred on a loaded machine.
    /// </summary>
    public void SendUdp(int port, int count)
    {
        SendUdpNow(port, count);
        Thread.Sleep(100);
    }

    private void SendUdpNow(int port, int count)
    {
        using var udp = Open(A, SocketType.Dgram, ProtocolType.Udp);
        var payload = new byte[16];
        payload.AsSpan().Fill((byte)'x');
        for (int i = 0; i < count; i++)
            udp.SendTo(payload, new IPEndPoint(B4, port));
    }

    /// <summary>Starts sending <paramref name="count"/> datagrams to B's <paramref name="port"/>, paced 2,000 a second, without waiting.</summary>
    public Process StartUdp(int port, int count) =>
        Process.Start(new ProcessStartInfo("ip", ["netns", "exec", A.Name, "python3", "-c",
            $"import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range({count}):\n    s.sendto(b'x' * 16, ('{AddressB}', {port}))\n    if i % 20 == 19: time.sleep(0.01)"]))!;

    /// <summary>
    /// Sends, from A, <c>count</c> datagrams to each of B's <paramref name="sends"/> ports, where B listens on all of them,
    /// and returns how many arrived on each port (counted until 300 ms pass without one).
    /// </summary>
    public int[] DeliverUdp(params (int Port, int Count)[] sends)
    {
        var receivers = sends.Select(s => B.Netns.Run(() =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(B4, s.Port));
            return socket;
        })).ToList();
        try
        {
            foreach (var (port, count) in sends)
                SendUdpNow(port, count);
            var counts = new int[sends.Length];
            var buffer = new byte[2048];
            while (true)
            {
                var ready = receivers.ToList();
                Socket.Select(ready, null, null, 300_000);
                if (ready.Count == 0) return counts;
                foreach (var socket in ready)
                {
                    socket.Receive(buffer);
                    counts[receivers.IndexOf(socket)]++;
                }
            }
        }
        finally
        {
            receivers.ForEach(r => r.Dispose());
        }
    }

    /// <summary>
    /// Opens <paramref name="count"/> TCP connections from A to a port of B where nothing listens, one SYN each (0.5 s
    /// timeout, before the first retransmission): how many were refused (B answered with a reset) and how many timed out
    /// (the SYN was dropped).
    /// </summary>
    public (int Refused, int TimedOut) ConnectBFromA(int count)
    {
        int refused = 0, timedOut = 0;
        for (int i = 0; i < count; i++)
        {
            using var tcp = Open(A, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(500);
            try
            {
                tcp.ConnectAsync(new IPEndPoint(B4, 9), timeout.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                refused++;
            }
            catch (OperationCanceledException)
            {
                timedOut++;
            }
        }
        return (refused, timedOut);
    }

    /// <summary>`ip link show` of B's end: carries "xdp" (xdpgeneric, xdpdrv) while an XDP program is attached.</summary>
    public string LinkShowB() => B.Ip("link", "show", "dev", EndB);

    public void Dispose()
    {
        _a?.Dispose();
        _b?.Dispose();
    }
}
