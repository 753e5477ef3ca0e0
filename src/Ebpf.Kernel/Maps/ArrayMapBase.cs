using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// The operations of array maps: <c>MaxEntries</c> values indexed by a u32 key, all present from creation and zeroed.
/// Elements cannot be deleted; an index past the end finds nothing.
/// </summary>
public abstract class ArrayMapBase<TValue> : KernelMap where TValue : unmanaged
{
    private protected readonly TValue[] Values;

    private protected ArrayMapBase(int maxEntries, MapFlags flags) : base(maxEntries, flags) => Values = new TValue[maxEntries];

    public override int KeySize => sizeof(uint);
    public override int ValueSize => SizeOf<TValue>();

    /// <summary>A reference to element <paramref name="index"/>, or a null reference past the end (bpf_map_lookup_elem). The compiler may inline array lookups.</summary>
    [Helper(1, "map_lookup_elem")]
    public ref TValue Lookup(uint index) => ref index < (uint)Values.Length ? ref Values[index] : ref Unsafe.NullRef<TValue>();

    [Intrinsic(IntrinsicKind.MapTryGetValue)]
    public bool TryGetValue(uint index, out TValue value)
    {
        bool ok = index < (uint)Values.Length;
        value = ok ? Values[index] : default;
        return ok;
    }

    /// <summary>Replaces element <paramref name="index"/>: bpf_map_update_elem. 0, -E2BIG past the end, -EEXIST for NoExist (every element exists), -EINVAL for bad flags.</summary>
    [Helper(2, "map_update_elem")]
    public int Update(uint index, in TValue value, UpdateFlags flags = UpdateFlags.Any)
    {
        var mode = flags & ~UpdateFlags.Lock;
        if (mode > UpdateFlags.Exist || (flags & ~(UpdateFlags.NoExist | UpdateFlags.Exist | UpdateFlags.Lock)) != 0) return -Errno.EINVAL;
        if (index >= (uint)Values.Length) return -Errno.E2BIG;
        if (mode == UpdateFlags.NoExist) return -Errno.EEXIST;
        Values[index] = value;
        return 0;
    }

    /// <summary>Elements of an array cannot be deleted: always -EINVAL, as bpf_map_delete_elem answers.</summary>
    [Helper(3, "map_delete_elem")]
    public int Delete(uint index) => -Errno.EINVAL;

    /// <summary>A copy of the values (managed only, for assertions).</summary>
    [ManagedOnly]
    public TValue[] ToArray() => (TValue[])Values.Clone();

    [ManagedOnly]
    public override void Clear() => Array.Clear(Values);
}

/// <summary>An array map (BPF_MAP_TYPE_ARRAY): <c>[Map] static readonly ArrayMap&lt;ulong&gt; Bytes = new(maxEntries: 2);</c></summary>
[MapKind(MapType.Array)]
public sealed class ArrayMap<TValue>(int maxEntries, MapFlags flags = MapFlags.None) : ArrayMapBase<TValue>(maxEntries, flags) where TValue : unmanaged
{
    public override MapType Type => MapType.Array;
}

/// <summary>An array with one value per CPU per index (BPF_MAP_TYPE_PERCPU_ARRAY); managed runs simulate one CPU.</summary>
[MapKind(MapType.PerCpuArray)]
public sealed class PerCpuArrayMap<TValue>(int maxEntries, MapFlags flags = MapFlags.None) : ArrayMapBase<TValue>(maxEntries, flags) where TValue : unmanaged
{
    public override MapType Type => MapType.PerCpuArray;

    /// <summary>The value of another CPU: bpf_map_lookup_percpu_elem. Null reference past the last CPU or index.</summary>
    [Helper(195, "map_lookup_percpu_elem")]
    public ref TValue LookupOnCpu(uint index, uint cpu) => ref cpu < ManagedCpuCount ? ref Lookup(index) : ref Unsafe.NullRef<TValue>();
}
