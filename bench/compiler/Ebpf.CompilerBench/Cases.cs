using Ebpf.CompilerBench.Programs;

namespace Ebpf.CompilerBench;

/// <summary>An entry to put in a map before the checks, on every side (C kernel, C# managed, C# kernel).</summary>
public sealed record MapEntry(string Field, object Key, object Value);

/// <summary>One program in both languages: its C function in programs.c, its C# class and method, what to time it on.</summary>
public sealed record Case(string Name, string CFunction, Type CSharpClass, string CSharpMethod, Packet[] Timed, MapEntry[] Setup);

public static class Cases
{
    public static readonly Case[] All =
    [
        new("counter", "count", typeof(Counter), nameof(Counter.Count), [Packets.IPv4Tcp, Packets.IPv6Udp], []),
        new("five_tuple", "flow", typeof(FiveTuple), nameof(FiveTuple.Flow), [Packets.IPv4Tcp, Packets.IPv6Udp], []),
        new("port_filter", "filter_ports", typeof(PortFilter), nameof(PortFilter.FilterPorts), [Packets.IPv4Tcp, Packets.IPv6Udp],
            [new(nameof(PortFilter.PortRules), (ushort)443, PortFilter.Allow), new(nameof(PortFilter.PortRules), (ushort)8080, PortFilter.Block)]),
        new("ip_options", "walk_options", typeof(IpOptions), nameof(IpOptions.WalkOptions), [Packets.IPv4RouterAlert], []),
    ];

    /// <summary>The C program that only returns: the test-run loop's own cost per packet.</summary>
    public const string EmptyCFunction = "empty";
}
