namespace Ebpf.Programs.Tests.TcLegacy;

/// <summary>
/// Counts this process's descriptors of the kinds an attachment opens: sockets (netlink) and BPF objects (a
/// duplicated program). Other descriptors (pipes of finished child processes, files) come and go with the
/// finalizers of earlier tests and would make a leak check flaky without telling anything about attachments.
/// </summary>
internal static class Descriptors
{
    public static int SocketsAndBpfObjects()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        int count = 0;
        foreach (var fd in Directory.EnumerateFiles("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget ?? "";
                if (target.StartsWith("socket:", StringComparison.Ordinal) || target.StartsWith("anon_inode:bpf", StringComparison.Ordinal))
                    count++;
            }
            catch (IOException)
            {
                // Closed while listing (the enumeration's own descriptor, for one).
            }
        }
        return count;
    }
}
