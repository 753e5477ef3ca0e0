using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace TcpConnect;

/// <summary>One active TCP connection attempt, as user space receives it.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe partial struct ConnectEvent
{
    public uint Pid;
    /// <summary>AF_INET (2) or AF_INET6 (10).</summary>
    public ushort Family;
    public ushort SourcePort;
    public ushort DestinationPort;
    public ushort Reserved;
    public fixed byte Comm[16];
    /// <summary>IPv4 addresses in the first 4 bytes, IPv6 in all 16.</summary>
    public fixed byte Source[16];
    public fixed byte Destination[16];
}

/// <summary>
/// tcpconnect: sock:inet_sock_set_state moving a TCP socket from CLOSE to SYN_SENT is a connect() on its way, in the
/// connecting task: its pid and comm, the addresses and the destination port (the source port is not chosen yet: 0).
/// </summary>
[License("GPL")]
public sealed unsafe class TcpConnectProgram
{
    private const int TcpClose = 7, TcpSynSent = 2, IpProtoTcp = 6, AfInet = 2;

    [Map] public static readonly RingBuffer Events = new(256 * 1024);

    [TracePoint("sock", "inet_sock_set_state")]
    public static int OnStateChange(InetSockSetState* ctx)
    {
        if (ctx->protocol != IpProtoTcp || ctx->oldstate != TcpClose || ctx->newstate != TcpSynSent)
            return 0;
        ConnectEvent e; // fields set one by one (no second copy on the stack)
        e.Pid = (uint)(Bpf.GetCurrentPidTgid() >> 32);
        e.Family = ctx->family;
        e.SourcePort = ctx->sport;
        e.DestinationPort = ctx->dport;
        e.Reserved = 0;
        Bpf.GetCurrentComm(new Span<byte>(e.Comm, 16));
        if (ctx->family == AfInet)
        {
            *(uint*)e.Source = *(uint*)ctx->saddr;
            *(uint*)e.Destination = *(uint*)ctx->daddr;
        }
        else
        {
            // 4-byte copies: the addresses sit at 4-byte boundaries of the event, and context reads need constant offsets (no loop).
            var source = (uint*)e.Source;
            var destination = (uint*)e.Destination;
            source[0] = *(uint*)ctx->saddr_v6;
            source[1] = *((uint*)ctx->saddr_v6 + 1);
            source[2] = *((uint*)ctx->saddr_v6 + 2);
            source[3] = *((uint*)ctx->saddr_v6 + 3);
            destination[0] = *(uint*)ctx->daddr_v6;
            destination[1] = *((uint*)ctx->daddr_v6 + 1);
            destination[2] = *((uint*)ctx->daddr_v6 + 2);
            destination[3] = *((uint*)ctx->daddr_v6 + 3);
        }
        Events.Output(in e);
        return 0;
    }
}
