namespace Ebpf.Tests;

/// <summary>
/// A network namespace made for one test (`ip netns add`, loopback up) and deleted on Dispose, with everything in it.
/// <see cref="Netns"/> is the library's handle on it, for attaching.
/// </summary>
public sealed class TestNamespace : IDisposable
{
    private NetworkNamespace? _netns;

    public TestNamespace(string prefix = "ebpf")
    {
        Name = $"{prefix}-{Guid.NewGuid().ToString("n")[..8]}";
        Command.Run("ip", "netns", "add", Name);
        try
        {
            Ip("link", "set", "lo", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    public string Path => "/var/run/netns/" + Name;

    /// <summary>The namespace opened by the library (once, closed on Dispose).</summary>
    public NetworkNamespace Netns => _netns ??= NetworkNamespace.Open(Path);

    /// <summary>Runs a command inside the namespace (`ip netns exec`, which remounts /sys: bpffs pins are not visible there).</summary>
    public string Exec(params string[] command) => Command.Run("ip", ["netns", "exec", Name, .. command]);

    /// <summary>Runs a command inside the namespace without `ip netns exec`'s remount of /sys, so bpffs pins stay visible.</summary>
    public string Enter(params string[] command) => Command.Run("nsenter", ["--net=" + Path, .. command]);

    public string Ip(params string[] args) => Command.Run("ip", ["-n", Name, .. args]);

    public string Tc(params string[] args) => Exec(["tc", .. args]);

    /// <summary>A counter of the namespace's /proc/net/snmp ("Udp", "NoPorts"; "Icmp", "InEchos").</summary>
    public long Snmp(string group, string counter)
    {
        // /proc/thread-self/net is the calling thread's namespace: read from a thread inside this one.
        var lines = Netns.Run(() => File.ReadAllText("/proc/thread-self/net/snmp")).Split('\n').Where(l => l.StartsWith(group + ":", StringComparison.Ordinal)).ToArray();
        var names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(values[Array.IndexOf(names, counter)]);
    }

    public void Dispose()
    {
        _netns?.Dispose();
        try { Command.Run("ip", "netns", "delete", Name); } catch (InvalidOperationException) { }
    }
}
