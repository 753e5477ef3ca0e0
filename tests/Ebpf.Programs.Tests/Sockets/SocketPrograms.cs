using System.Runtime.CompilerServices;
using Ebpf.Kernel;

namespace Ebpf.Programs.Tests.Sockets;

/// <summary>A flow dissector that counts the packets it is asked about and lets the kernel's own dissector do the work.</summary>
[License("GPL")]
public static class FlowCounter
{
    [Map] public static readonly ArrayMap<ulong> Dissected = new(maxEntries: 1);

    [FlowDissector]
    public static FlowDissectorVerdict Count(SkBuffContext skb)
    {
        Dissected.Add(0, 1);
        return FlowDissectorVerdict.Continue;
    }
}

/// <summary>An sk_skb stream verdict that passes everything, to check sk_skb attach and detach.</summary>
[License("GPL")]
public static class SkbPass
{
    [SkSkb(SkSkbKind.StreamVerdict)]
    public static SkVerdict Pass(SkBuffContext skb) => SkVerdict.Pass;
}

/// <summary>
/// sk_msg verdicts by the first byte of each message a socket of <see cref="Socks"/> sends: 'D' is dropped (the sender gets
/// EACCES), 'R' is redirected to the receive queue of the socket in slot 1, anything else passes. Each verdict is counted in
/// <see cref="Verdicts"/> (0 pass, 1 drop, 2 redirect).
/// </summary>
[License("GPL")]
public static class MessageVerdicts
{
    [Map] public static readonly SockMap Socks = new(maxEntries: 2);
    [Map] public static readonly ArrayMap<ulong> Verdicts = new(maxEntries: 3);

    [SkMsg]
    public static SkVerdict Verdict(SkMsgContext msg)
    {
        if (msg.PullData(0, 1) != 0 || !msg.TryLoad(0, out byte first))
            return SkVerdict.Pass;
        if (first == 'D')
        {
            Verdicts.Add(1, 1);
            return SkVerdict.Drop;
        }
        if (first == 'R')
        {
            Verdicts.Add(2, 1);
            return msg.Redirect(Socks, 1, SocketRedirect.Ingress) == SkVerdict.Pass ? SkVerdict.Pass : SkVerdict.Drop;
        }
        Verdicts.Add(0, 1);
        return SkVerdict.Pass;
    }
}

/// <summary>
/// sk_lookup: a TCP connection to local port <see cref="Config"/>[0] goes to the socket in slot 0 of <see cref="Target"/>,
/// whatever port that socket listens on; each steered lookup is counted in <see cref="Config"/>[1].
/// </summary>
[License("GPL")]
public static class Steering
{
    [Map] public static readonly SockMap Target = new(maxEntries: 1);
    [Map] public static readonly ArrayMap<uint> Config = new(maxEntries: 2);

    [SkLookup]
    public static SkVerdict Steer(SkLookupContext ctx)
    {
        ref var port = ref Config.Lookup(0);
        if (Unsafe.IsNullRef(ref port) || ctx.Protocol != IpProtocol.Tcp || ctx.LocalPort != port)
            return SkVerdict.Pass;
        ref var socket = ref Target.Lookup(0);
        if (Unsafe.IsNullRef(ref socket))
            return SkVerdict.Pass;
        var error = ctx.Assign(ref socket);
        SockMap.Release(ref socket);
        if (error != 0)
            return SkVerdict.Drop;
        Config.Add(1, 1);
        return SkVerdict.Pass;
    }
}
