using Ebpf.Kernel;

namespace Ebpf.Cli.Tests;

/// <summary>A C# program with log lines, for `ebpf inspect`'s "log lines:" table (the tests name these lines' numbers).</summary>
[License("GPL")]
public static class CliLoggingPrograms
{
    [SocketFilter]
    public static long Report(SkBuffContext skb)
    {
        Log.Information($"packet of {skb.Length} bytes"); // line 12
        if (skb.Length > 1000)
            Log.Warning($"big packet {skb.Length:x}"); // line 14
        return 0;
    }
}
