using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Iterators;

/// <summary>
/// The attach tests of iterators, sockets, netns and netfilter count this process's descriptors and rely on Dispose
/// releasing links at once. Both need the other tests quiet: a concurrent /proc/self/fd scan holds a reference on
/// each file for a moment, delaying the release past close(2). So these classes run alone, one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AttachKindsCollection
{
    public const string Name = "attach kinds (descriptor counts)";
}

/// <summary>What the attach tests of iterators, sockets, netns, netfilter and struct_ops check after Dispose.</summary>
internal static class LeakCheck
{
    /// <summary>
    /// Runs attach and dispose <paramref name="cycles"/> times and asserts the process holds no more descriptors than
    /// before (a few of slack for the runtime's own files opened meanwhile).
    /// </summary>
    public static void NoFdLeak(int cycles, Action attachAndDispose)
    {
        attachAndDispose(); // warm up: lazily created runtime descriptors are not leaks
        int before = BpfLinks.OpenFds();
        for (int i = 0; i < cycles; i++)
            attachAndDispose();
        int after = BpfLinks.OpenFds();
        Assert.True(after <= before + 4, $"{cycles} attach/dispose cycles left {after - before} more descriptors open ({before} -> {after})");
    }
}
