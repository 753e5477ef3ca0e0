namespace Ebpf.Tests;

/// <summary>The datagrams the tc and legacy XDP tests send across the lab, to the port their programs pass and the one they drop.</summary>
internal static class UdpTraffic
{
    /// <summary>How many of <paramref name="passing"/> and <paramref name="dropped"/> datagrams reached B.</summary>
    public static (int Pass, int Drop) SendUdp(this VethLab lab, int passing, int dropped)
    {
        var received = lab.DeliverUdp((TcUdpDrop.PassPort, passing), (TcUdpDrop.DropPort, dropped));
        return (received[0], received[1]);
    }
}
