using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Ebpf.Programs.Tests.TracingAttach;

/// <summary>
/// Runs /bin/true through a symlink with a unique name, so the kernel names each exec's task after the link (its comm)
/// and the exec counters (keyed by comm) count these execs and no others. Removes the link on Dispose.
/// </summary>
internal sealed class ExecProbe : IDisposable
{
    public ExecProbe()
    {
        // comm holds 15 characters: "ebpf-" and 10 random ones.
        Comm = "ebpf-" + Guid.NewGuid().ToString("n")[..10];
        Path = System.IO.Path.Combine("/tmp", Comm);
        File.CreateSymbolicLink(Path, "/bin/true");
    }

    public string Comm { get; }
    public string Path { get; }

    /// <summary>Execs the link <paramref name="times"/> times, one after another; the pid of each.</summary>
    public List<int> Run(int times)
    {
        var pids = new List<int>();
        for (int i = 0; i < times; i++)
        {
            using var p = Process.Start(new ProcessStartInfo(Path) { UseShellExecute = false })!;
            pids.Add(p.Id);
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
        }
        return pids;
    }

    /// <summary>The exec counter map's entry for this comm: (count, last typed argument), or (0, 0).</summary>
    public (ulong Count, long Last) Seen(BpfMap execs)
    {
        var key = new byte[16];
        Encoding.ASCII.GetBytes(Comm, key);
        var value = new byte[16];
        return execs.TryLookup(key, value)
            ? (BinaryPrimitives.ReadUInt64LittleEndian(value), BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(8)))
            : (0, 0);
    }

    public void Dispose() => File.Delete(Path);
}

/// <summary>Pin paths for the tracing attach tests, unique per call.</summary>
internal static class KernelState
{
    public static string PinPath(string what) => $"/sys/fs/bpf/ebpf-test-{what}-{Guid.NewGuid():n}"[..48];
}
