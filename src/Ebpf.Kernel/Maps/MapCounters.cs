using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// Counter updates, the most common thing a program does to a map: <c>Bytes.Add(1, skb.Length)</c>. In the kernel each is a
/// lookup and a BPF_ATOMIC add on the value (a plain add on per-CPU maps, whose value belongs to one CPU); a hash map inserts
/// the delta when the key is missing. Managed, the add is <see cref="Interlocked"/>. Each returns false when nothing was
/// counted: an index past the end of an array, or a full hash map.
/// </summary>
public static class MapCounters
{
    [Intrinsic(IntrinsicKind.MapAtomicAdd)]
    public static bool Add(this ArrayMapBase<ulong> map, uint index, ulong delta)
    {
        ref var v = ref map.Lookup(index);
        if (Unsafe.IsNullRef(ref v)) return false;
        Interlocked.Add(ref v, delta);
        return true;
    }

    [Intrinsic(IntrinsicKind.MapAtomicAdd)]
    public static bool Add(this ArrayMapBase<long> map, uint index, long delta)
    {
        ref var v = ref map.Lookup(index);
        if (Unsafe.IsNullRef(ref v)) return false;
        Interlocked.Add(ref v, delta);
        return true;
    }

    [Intrinsic(IntrinsicKind.MapAtomicAdd)]
    public static bool Add(this ArrayMapBase<uint> map, uint index, uint delta)
    {
        ref var v = ref map.Lookup(index);
        if (Unsafe.IsNullRef(ref v)) return false;
        Interlocked.Add(ref v, delta);
        return true;
    }

    [Intrinsic(IntrinsicKind.MapAtomicAdd)]
    public static bool Add(this ArrayMapBase<int> map, uint index, int delta)
    {
        ref var v = ref map.Lookup(index);
        if (Unsafe.IsNullRef(ref v)) return false;
        Interlocked.Add(ref v, delta);
        return true;
    }

    [Intrinsic(IntrinsicKind.MapAtomicAdd)]
    public static bool Add<TKey>(this HashMapBase<TKey, ulong> map, in TKey key, ulong delta) where TKey : unmanaged
    {
        ref var v = ref map.LookupOrInsert(key, delta, out bool inserted);
        if (inserted) return true;
        if (Unsafe.IsNullRef(ref v)) return false;
        Interlocked.Add(ref v, delta);
        return true;
    }

    [Intrinsic(IntrinsicKind.MapAtomicAdd)]
    public static bool Add<TKey>(this HashMapBase<TKey, long> map, in TKey key, long delta) where TKey : unmanaged
    {
        ref var v = ref map.LookupOrInsert(key, delta, out bool inserted);
        if (inserted) return true;
        if (Unsafe.IsNullRef(ref v)) return false;
        Interlocked.Add(ref v, delta);
        return true;
    }

    [Intrinsic(IntrinsicKind.MapAtomicAdd)]
    public static bool Add<TKey>(this HashMapBase<TKey, uint> map, in TKey key, uint delta) where TKey : unmanaged
    {
        ref var v = ref map.LookupOrInsert(key, delta, out bool inserted);
        if (inserted) return true;
        if (Unsafe.IsNullRef(ref v)) return false;
        Interlocked.Add(ref v, delta);
        return true;
    }
}
