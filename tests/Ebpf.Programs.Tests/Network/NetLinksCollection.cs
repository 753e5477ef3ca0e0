namespace Ebpf.Programs.Tests.Network;

/// <summary>
/// The XDP and tcx tests attach and dispose links a thousand times on one hook: a link goes when its last reference
/// does, and another class's /proc/self/fd scan (a leak check) holds one for a moment past close(2), so the next attach
/// found the old link still there (EEXIST). They run alone: after the parallel tests, one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetLinksCollection
{
    public const string Name = "net-links";
}
