using System.Runtime.CompilerServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Queue and stack maps: no keys, values pushed and popped (element commands with an empty key: update pushes,
/// lookup peeks, lookup-and-delete pops). Only the order differs.
/// </summary>
public abstract class BpfPushPopMap<T> : BpfMapView where T : unmanaged
{
    private protected BpfPushPopMap(BpfMap map, bool ownsMap) : base(map, ownsMap)
    {
        MapChecks.NoKey(map);
        MapChecks.ValueSize<T>(map);
    }

    /// <summary>Adds a value. When full this throws E2BIG, unless <paramref name="overwriteOldest"/> (BPF_EXIST) drops the oldest.</summary>
    public void Push(in T value, bool overwriteOldest = false) =>
        BpfSyscall.MapUpdateElem(Fd, default, Elements.Bytes(in value), overwriteOldest ? BpfUpdateFlags.Exist : BpfUpdateFlags.Any);

    /// <summary>Takes the next value; false when empty.</summary>
    public bool TryPop(out T value)
    {
        Unsafe.SkipInit(out value);
        if (BpfSyscall.MapLookupAndDeleteElem(Fd, default, Elements.Writable(ref value))) return true;
        value = default;
        return false;
    }

    /// <summary>Reads the next value without taking it; false when empty.</summary>
    public bool TryPeek(out T value)
    {
        Unsafe.SkipInit(out value);
        if (BpfSyscall.MapLookupElem(Fd, default, Elements.Writable(ref value))) return true;
        value = default;
        return false;
    }

    private protected static unsafe BpfMap CreateMap(BpfMapType type, uint maxEntries, BpfMapFlags flags, string? name) =>
        BpfMap.Create(type, 0, sizeof(T), maxEntries, flags, name);
}

/// <summary>A BPF_MAP_TYPE_QUEUE: first in, first out.</summary>
public sealed class BpfQueue<T> : BpfPushPopMap<T> where T : unmanaged
{
    internal BpfQueue(BpfMap map, bool ownsMap) : base(map, ownsMap) { }

    /// <summary>Creates a queue in the kernel; disposing the view closes it.</summary>
    public static BpfQueue<T> Create(uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(CreateMap(BpfMapType.Queue, maxEntries, flags, name), ownsMap: true);
}

/// <summary>A BPF_MAP_TYPE_STACK: last in, first out.</summary>
public sealed class BpfStack<T> : BpfPushPopMap<T> where T : unmanaged
{
    internal BpfStack(BpfMap map, bool ownsMap) : base(map, ownsMap) { }

    /// <summary>Creates a stack in the kernel; disposing the view closes it.</summary>
    public static BpfStack<T> Create(uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null) =>
        new(CreateMap(BpfMapType.Stack, maxEntries, flags, name), ownsMap: true);
}
