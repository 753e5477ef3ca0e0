using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Programs.Tests.Cgroups;

namespace Ebpf.Programs.Tests.TcLegacy;

/// <summary>
/// Two network namespaces joined by a veth pair made inside them (so no name meets the host's): veth-a
/// (192.0.2.1, in <see cref="SenderNamespace"/>) and veth-b (192.0.2.2, in <see cref="ReceiverNamespace"/>),
/// with static neighbours so no ARP is pending when counting starts. Dispose deletes both namespaces,
/// and with them the pair and anything left on it.
/// </summary>
internal sealed class VethLab : IDisposable
{
    public const int PassPort = 4041, DropPort = 4040;
    public const string SenderInterface = "veth-a", ReceiverInterface = "veth-b";

    public VethLab()
    {
        var id = Guid.NewGuid().ToString("n")[..8];
        SenderNamespace = "ebpf-tc-a-" + id;
        ReceiverNamespace = "ebpf-tc-b-" + id;
        Run("ip", "netns", "add", SenderNamespace);
        try
        {
            Run("ip", "netns", "add", ReceiverNamespace);
            Run("ip", "link", "add", SenderInterface, "netns", SenderNamespace, "address", "02:00:00:00:0a:01", "type", "veth",
                "peer", "name", ReceiverInterface, "netns", ReceiverNamespace, "address", "02:00:00:00:0b:01");
            Configure(SenderNamespace, SenderInterface, "192.0.2.1", "192.0.2.2", "02:00:00:00:0b:01");
            Configure(ReceiverNamespace, ReceiverInterface, "192.0.2.2", "192.0.2.1", "02:00:00:00:0a:01");
            Sender = NetworkNamespace.Open("/var/run/netns/" + SenderNamespace);
            Receiver = NetworkNamespace.Open("/var/run/netns/" + ReceiverNamespace);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string SenderNamespace { get; }
    public string ReceiverNamespace { get; }
    public NetworkNamespace? Sender { get; }
    public NetworkNamespace? Receiver { get; }

    public NetInterface SenderEnd => NetInterface.Get(SenderInterface, Sender);
    public NetInterface ReceiverEnd => NetInterface.Get(ReceiverInterface, Receiver);

    private static void Configure(string ns, string dev, string address, string peer, string peerMac)
    {
        Run("ip", "-n", ns, "link", "set", "lo", "up");
        Run("ip", "-n", ns, "addr", "add", address + "/24", "dev", dev);
        Run("ip", "-n", ns, "link", "set", dev, "up");
        Run("ip", "-n", ns, "neigh", "replace", peer, "lladdr", peerMac, "dev", dev, "nud", "permanent");
    }

    /// <summary>
    /// Sends <paramref name="passing"/> datagrams to <see cref="PassPort"/> and <paramref name="dropped"/> to
    /// <see cref="DropPort"/> from the sender namespace, and returns how many the receiver got on each port.
    /// </summary>
    public (int Pass, int Drop) SendUdp(int passing, int dropped)
    {
        using var receiver = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", ReceiverNamespace, "python3", "-u", "-c", ReceiverScript])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        })!;
        try
        {
            var ready = receiver.StandardOutput.ReadLine();
            if (ready != "ready")
                throw new InvalidOperationException($"receiver did not start: {ready} {receiver.StandardError.ReadToEnd()}");
            Run("ip", "netns", "exec", SenderNamespace, "python3", "-c", SenderScript(passing, dropped));
            receiver.StandardInput.WriteLine("report");
            receiver.StandardInput.Flush();
            var counts = receiver.StandardOutput.ReadLine()?.Split(' ')
                ?? throw new InvalidOperationException("receiver ended early: " + receiver.StandardError.ReadToEnd());
            return (int.Parse(counts[0]), int.Parse(counts[1]));
        }
        finally
        {
            if (!receiver.WaitForExit(10_000)) receiver.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Counts datagrams per port; on "report" waits until 300 ms pass without one, then prints the counts.</summary>
    private const string ReceiverScript = """
        import select, socket, sys
        socks = {}
        for port in (4041, 4040):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(('192.0.2.2', port))
            socks[s] = port
        counts = {4041: 0, 4040: 0}
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
        print(counts[4041], counts[4040], flush=True)
        """;

    private static string SenderScript(int passing, int dropped) => $$"""
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range({{passing}}):
            s.sendto(b'p' * 32, ('192.0.2.2', 4041))
        for i in range({{dropped}}):
            s.sendto(b'd' * 32, ('192.0.2.2', 4040))
        """;

    public string Tc(string ns, params string[] args) => Run("ip", ["netns", "exec", ns, "tc", .. args]);

    public string Ip(string ns, params string[] args) => Run("ip", ["-n", ns, .. args]);

    public static string Run(string file, params string[] args) => TrafficLab.Run(file, args);

    /// <summary>Reads slot <paramref name="index"/> of a u64 array map.</summary>
    public static ulong Counter(BpfObject bpf, string map, uint index)
    {
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(key, index);
        Assert.True(bpf.Maps[map].TryLookup(key, value));
        return BinaryPrimitives.ReadUInt64LittleEndian(value);
    }

    public void Dispose()
    {
        Sender?.Dispose();
        Receiver?.Dispose();
        foreach (var ns in new[] { SenderNamespace, ReceiverNamespace })
            try { Run("ip", "netns", "delete", ns); } catch (InvalidOperationException) { }
    }
}
