using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

public enum Transport : byte { None, Tcp, Udp, Icmp }

/// <summary>Log lines of every level and every kind of value, from a socket filter driven by test runs.</summary>
[License("GPL")]
public static class LoggingPrograms
{
    [SocketFilter]
    public static long Report(SkBuffContext skb)
    {
        var length = skb.Length;
        var protocol = (Transport)(length & 0x3);
        short delta = (short)(1000 - (int)length);
        var big = length > 600;
        var address = 0x0002_00C0u | (length & 0xff) << 24; // 192.0.2.x in network byte order
        Log.Trace($"trace {length} to {address:ipv4}");
        Log.Debug($"debug {length:x} {delta}");
        Log.Information($"packet of {length} bytes, protocol {protocol}, big={big}, delta={delta}");
        Log.Warning($"wide {(ulong)length * 3_000_000_000UL} {-(long)length} {(byte)length} {(sbyte)length} {(ushort)length} {'c'}");
        if (big)
            Log.Error($"big packet {length} {{escaped}}");
        Span<byte> name = stackalloc byte[8];
        name[0] = (byte)'e';
        name[1] = (byte)'b';
        name[2] = (byte)('0' + length % 10);
        Log.Critical($"flags {(System.IO.FileAccess)(length & 3)} done by {name}");
        return 0;
    }
}
