using Ebpf.Programs.Tests.Cgroups;

namespace Ebpf.Programs.Tests.Sockets;

/// <summary>A network namespace made for one test (`ip netns add`, loopback up), deleted on Dispose.</summary>
internal sealed class TestNetns : IDisposable
{
    public TestNetns()
    {
        Name = "ebpf-sock-" + Guid.NewGuid().ToString("n")[..8];
        TrafficLab.Run("ip", "netns", "add", Name);
        Exec("ip", "link", "set", "lo", "up");
    }

    public string Name { get; }

    /// <summary>Runs a command inside the namespace; fails on a non-zero exit.</summary>
    public string Exec(params string[] command) => TrafficLab.Run("ip", ["netns", "exec", Name, .. command]);

    public void Dispose()
    {
        try { TrafficLab.Run("ip", "netns", "delete", Name); } catch (InvalidOperationException) { }
    }
}
