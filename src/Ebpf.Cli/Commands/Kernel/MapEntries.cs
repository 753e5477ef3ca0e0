using Ebpf.Native;

namespace Ebpf.Cli.Commands.Kernel;

/// <summary>One element as read: the key, and the value (per-CPU maps: one slot per possible CPU), or why it could not be read.</summary>
internal sealed record MapEntry(byte[] Key, byte[]? Value, string? Error);

/// <summary>Walks a map with BPF_MAP_GET_NEXT_KEY and reads each element with BPF_MAP_LOOKUP_ELEM.</summary>
internal static class MapEntries
{
    public static List<MapEntry> Read(BpfMapFd map, BpfMapInfo info)
    {
        if (map.KeySize == 0)
            throw new BpfException($"map {info.Id} '{info.Name}' is a {Output.Names.Snake(info.Type)}: it has no keys to walk, so it cannot be dumped.");
        var entries = new List<MapEntry>();
        var key = Array.Empty<byte>();
        var next = new byte[map.KeySize];
        // A hash map restarts from its first key when the current one is deleted under us: bound the walk so a busy map cannot loop forever.
        long limit = (long)map.MaxEntries * 2 + 16;
        while (entries.Count < limit && BpfSyscall.MapGetNextKey(map, key, next))
        {
            key = next.ToArray();
            var value = new byte[map.ElementValueSize];
            try
            {
                if (BpfSyscall.MapLookupElem(map, key, value))
                    entries.Add(new MapEntry(key, value, null));
            }
            catch (BpfSyscallException e) when (e.IsNotSupported || e.Errno is SyscallErrno.EINVAL or SyscallErrno.EPERM)
            {
                // prog_array, perf_event_array and the like keep kernel pointers that user space cannot read back.
                entries.Add(new MapEntry(key, null, $"cannot read the value ({e.ErrnoName}): the kernel does not return values of {Output.Names.Snake(info.Type)} maps"));
            }
        }
        return entries;
    }
}
