using Ebpf.Kernel;

namespace Ebpf.Hosting.Tests;

/// <summary>A tracepoint program for the host to attach where its section says: counts the execs of the whole machine.</summary>
[License("GPL")]
public sealed class HostedTracer
{
    [Map("execs")] public static readonly ArrayMap<ulong> Execs = new(maxEntries: 1);

    [TracePoint("sched", "sched_process_exec")]
    public static int Exec()
    {
        Execs.Add(0, 1);
        return 0;
    }
}
