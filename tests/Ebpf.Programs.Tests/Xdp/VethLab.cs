using System.Diagnostics;
using Ebpf.Native;

namespace Ebpf.Programs.Tests.Xdp;

/// <summary>
/// Two network namespaces joined by a veth pair: A (192.0.2.1) sends, B (192.0.2.2) receives, and programs attach to B's
/// end. Both namespaces (and with them the pair) are removed on Dispose. Traffic is bounded: a given number of pings or
/// datagrams, never a flood.
/// </summary>
internal sealed class VethLab : IDisposable
{
    public const string AddressA = "192.0.2.1", AddressB = "192.0.2.2";

    public VethLab()
    {
        var id = Guid.NewGuid().ToString("n")[..8];
        NamespaceA = "ebpf-na-" + id;
        NamespaceB = "ebpf-nb-" + id;
        EndA = "va" + id;
        EndB = "vb" + id;
        try
        {
            Run("ip", "netns", "add", NamespaceA);
            Run("ip", "netns", "add", NamespaceB);
            Run("ip", "link", "add", EndA, "netns", NamespaceA, "type", "veth", "peer", "name", EndB, "netns", NamespaceB);
            Run("ip", "-n", NamespaceA, "addr", "add", AddressA + "/24", "dev", EndA);
            Run("ip", "-n", NamespaceB, "addr", "add", AddressB + "/24", "dev", EndB);
            foreach (var (ns, dev) in new[] { (NamespaceA, EndA), (NamespaceB, EndB), (NamespaceA, "lo"), (NamespaceB, "lo") })
                Run("ip", "-n", ns, "link", "set", dev, "up");
            B = NetworkNamespace.Open(NamespaceB);
            InterfaceB = NetInterface.Get(EndB, B);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string NamespaceA { get; }
    public string NamespaceB { get; }
    public string EndA { get; }
    public string EndB { get; }
    public NetworkNamespace? B { get; }

    /// <summary>B's end of the pair, where the tests attach.</summary>
    public NetInterface InterfaceB { get; } = null!;

    /// <summary>Sends <paramref name="count"/> ICMP echo requests from A to B, one after the other's reply; returns how many were answered.</summary>
    public int Ping(int count) => int.Parse(Run("ip", "netns", "exec", NamespaceA, "python3", "-c", $$"""
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

    /// <summary>Sends <paramref name="count"/> UDP datagrams from A to B's <paramref name="port"/> (nobody listens: the kernel counts them as NoPorts).</summary>
    public void SendUdp(int port, int count) =>
        Run("ip", "netns", "exec", NamespaceA, "python3", "-c",
            $"import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range({count}): s.sendto(b'x' * 16, ('{AddressB}', {port}))");

    /// <summary>Starts sending <paramref name="count"/> datagrams to B's <paramref name="port"/>, paced 2,000 a second, without waiting.</summary>
    public Process StartUdp(int port, int count) =>
        Process.Start(new ProcessStartInfo("ip", ["netns", "exec", NamespaceA, "python3", "-c",
            $"import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range({count}):\n    s.sendto(b'x' * 16, ('{AddressB}', {port}))\n    if i % 20 == 19: time.sleep(0.01)"]))!;

    /// <summary>A counter of /proc/net/snmp in B ("Udp", "NoPorts"; "Icmp", "InEchos").</summary>
    public long SnmpB(string group, string counter)
    {
        var lines = Run("ip", "netns", "exec", NamespaceB, "cat", "/proc/net/snmp").Split('\n').Where(l => l.StartsWith(group + ":")).ToArray();
        var names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(values[Array.IndexOf(names, counter)]);
    }

    /// <summary>`ip link show` of B's end: carries "xdp" (xdpgeneric, xdpdrv) while an XDP program is attached.</summary>
    public string LinkShowB() => Run("ip", "-n", NamespaceB, "link", "show", "dev", EndB);

    /// <summary>Runs a command in B without `ip netns exec`'s remount of /sys, so bpffs pins stay visible.</summary>
    public string RunInB(params string[] command) => Run("nsenter", ["--net=/var/run/netns/" + NamespaceB, .. command]);

    /// <summary>The ids of every BPF link the kernel holds now (BPF_LINK_GET_NEXT_ID).</summary>
    public static List<uint> LinkIds() => Bpf.GetIds(BpfObjectKind.Link);

    /// <summary>What the kernel says of every BPF link it holds now (links that go away meanwhile are skipped).</summary>
    public static List<BpfLinkInfo> Links()
    {
        var infos = new List<BpfLinkInfo>();
        foreach (var id in LinkIds())
        {
            try
            {
                using var fd = Bpf.LinkGetFdById(id);
                infos.Add(Bpf.GetLinkInfo(fd));
            }
            catch (BpfSyscallException) { }
        }
        return infos;
    }

    /// <summary>
    /// Waits up to 5 s for link <paramref name="id"/> to go: removing the last pin releases a link from a kernel work
    /// item, after unlink returns (closing the last descriptor releases it at once).
    /// </summary>
    public static bool LinkGone(uint id)
    {
        for (var wait = Stopwatch.StartNew(); wait.ElapsedMilliseconds < 5000; Thread.Sleep(10))
            if (!LinkIds().Contains(id)) return true;
        return false;
    }

    public static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;

    public static string Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 60 s");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {error.Result}{output.Result}");
        return output.Result;
    }

    public void Dispose()
    {
        B?.Dispose();
        foreach (var ns in new[] { NamespaceA, NamespaceB })
            try { Run("ip", "netns", "delete", ns); } catch (InvalidOperationException) { }
    }
}
