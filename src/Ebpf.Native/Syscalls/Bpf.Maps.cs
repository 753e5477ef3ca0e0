using System.Runtime.CompilerServices;
using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>BPF_MAP_CREATE.</summary>
    public static BpfMapFd MapCreate(in MapCreateRequest request)
    {
        if (request.KeySize < 0 || request.ValueSize < 0)
            throw new BpfException($"Map{Quote(request.Name)}: key size {request.KeySize} and value size {request.ValueSize} must not be negative.");
        using var inner = new FdLease(request.InnerMap);
        using var btf = new FdLease(request.Btf);
        MapCreateAttr attr = default;
        attr.MapType = (uint)request.Type;
        attr.KeySize = (uint)request.KeySize;
        attr.ValueSize = (uint)request.ValueSize;
        attr.MaxEntries = request.MaxEntries;
        attr.MapFlags = (uint)request.Flags;
        attr.InnerMapFd = (uint)inner.Fd;
        attr.NumaNode = request.NumaNode;
        BpfObjectName.CopyTo(request.Name, attr.MapName);
        attr.MapIfindex = request.Ifindex;
        attr.BtfFd = (uint)btf.Fd;
        attr.BtfKeyTypeId = request.BtfKeyTypeId;
        attr.BtfValueTypeId = request.BtfValueTypeId;
        attr.BtfVmlinuxValueTypeId = request.BtfVmlinuxValueTypeId;
        attr.MapExtra = request.MapExtra;
        int fd = Sys(BpfCommand.MapCreate, &attr);
        if (fd < 0) throw BpfErrors.FromErrno(BpfCommand.MapCreate, -fd, $"{MapTypeName(request.Type)} map{Quote(request.Name)}", request.Name);
        return new BpfMapFd(fd, request.Name, request.Type, request.KeySize, request.ValueSize, request.MaxEntries, request.Flags);
    }

    /// <summary>BPF_MAP_LOOKUP_ELEM: copies the value of <paramref name="key"/> into <paramref name="value"/>; false when there is no such key.
    /// For queues and stacks (no key) this peeks; for bloom filters it tests membership of <paramref name="value"/>.</summary>
    public static bool MapLookupElem(BpfMapFd map, ReadOnlySpan<byte> key, Span<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        CheckKey(map, key.Length);
        CheckValue(map, value.Length);
        return Found(BpfCommand.MapLookupElem, map, Element(BpfCommand.MapLookupElem, map, key, value, flags));
    }

    /// <summary>BPF_MAP_UPDATE_ELEM: sets <paramref name="key"/> to <paramref name="value"/> (a push for queues and stacks, an add for bloom filters).</summary>
    public static void MapUpdateElem(BpfMapFd map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        CheckKey(map, key.Length);
        CheckValue(map, value.Length);
        int r = Element(BpfCommand.MapUpdateElem, map, key, value, flags);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.MapUpdateElem, -r, map);
    }

    /// <summary>BPF_MAP_DELETE_ELEM: false when there was no such key.</summary>
    public static bool MapDeleteElem(BpfMapFd map, ReadOnlySpan<byte> key)
    {
        CheckKey(map, key.Length);
        return Found(BpfCommand.MapDeleteElem, map, Element(BpfCommand.MapDeleteElem, map, key, default, BpfUpdateFlags.Any));
    }

    /// <summary>BPF_MAP_GET_NEXT_KEY: the key after <paramref name="key"/>, or the first key when <paramref name="key"/> is empty
    /// (or no longer in the map, for hash maps); false after the last key.</summary>
    public static bool MapGetNextKey(BpfMapFd map, ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty) CheckKey(map, key.Length);
        CheckKey(map, nextKey.Length);
        return Found(BpfCommand.MapGetNextKey, map, Element(BpfCommand.MapGetNextKey, map, key, nextKey, BpfUpdateFlags.Any));
    }

    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM: reads and removes (a pop for queues and stacks); false when there is no such key / the queue is empty.</summary>
    public static bool MapLookupAndDeleteElem(BpfMapFd map, ReadOnlySpan<byte> key, Span<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        CheckKey(map, key.Length);
        CheckValue(map, value.Length);
        return Found(BpfCommand.MapLookupAndDeleteElem, map, Element(BpfCommand.MapLookupAndDeleteElem, map, key, value, flags));
    }

    /// <summary>
    /// One element command: key and value (or next key) pointers in a stack attr, the map held for the call.
    /// An empty span passes a null pointer (no key for queues and stacks, the first key for get_next_key).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Element(BpfCommand command, BpfMapFd map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfUpdateFlags flags)
    {
        using var lease = new FdLease(map);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            MapElemAttr attr = default;
            attr.MapFd = (uint)lease.Fd;
            attr.Key = key.IsEmpty ? 0 : (ulong)k;
            attr.Value = value.IsEmpty ? 0 : (ulong)v;
            attr.Flags = (ulong)flags;
            return Sys(command, &attr);
        }
    }

    /// <summary>Success is true, ENOENT (no such key, or the end) is false, anything else throws.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Found(BpfCommand command, BpfMapFd map, int result)
    {
        if (result >= 0) return true;
        if (result == -SyscallErrno.ENOENT) return false;
        throw BpfErrors.FromErrno(command, -result, map);
    }

    /// <summary>BPF_MAP_FREEZE: user space can no longer write the map (programs still can unless BPF_F_RDONLY_PROG).</summary>
    public static void MapFreeze(BpfMapFd map)
    {
        using var lease = new FdLease(map);
        MapElemAttr attr = default;
        attr.MapFd = (uint)lease.Fd;
        int r = Sys(BpfCommand.MapFreeze, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.MapFreeze, -r, map);
    }

    // Span checks: the kernel copies key_size / value bytes through the pointers whatever the span lengths are,
    // so a short span would be read past or, worse, written past.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckKey(BpfMapFd map, int length)
    {
        if (length < map.KeySize) ThrowSize(map, "key", length, map.KeySize);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckValue(BpfMapFd map, int length)
    {
        if (length < map.ElementValueSize) ThrowSize(map, "value", length, map.ElementValueSize);
    }

    private static void ThrowSize(BpfMapFd map, string what, int length, int expected)
    {
        string who = map.Describe();
        string perCpu = what == "value" && BpfMapFd.IsPerCpu(map.Type)
            ? $" (value_size {map.ValueSize} rounded up to 8, times {PossibleCpus.Count} possible CPUs)" : "";
        throw new BpfException($"{char.ToUpperInvariant(who[0])}{who[1..]}: the {what} buffer holds {length} bytes but needs {expected}{perCpu}.");
    }

    private static string MapTypeName(BpfMapType type) => Enum.IsDefined(type) ? type.ToString() : $"type {(int)type}";
}
