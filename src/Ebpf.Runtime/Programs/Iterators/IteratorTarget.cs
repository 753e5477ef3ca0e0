using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Ebpf;

/// <summary>The order a cgroup iterator walks cgroups in (enum bpf_cgroup_iter_order).</summary>
public enum CgroupIteratorOrder : uint
{
    /// <summary>Only the given cgroup.</summary>
    Self = 1,
    /// <summary>The cgroup and its descendants, parents before children.</summary>
    DescendantsPreOrder = 2,
    /// <summary>The cgroup and its descendants, children before parents.</summary>
    DescendantsPostOrder = 3,
    /// <summary>The cgroup and its ancestors up to the root.</summary>
    AncestorsUp = 4,
}

/// <summary>
/// What an iterator walks, where its kind takes a parameter (bpf_iter_link_info): the elements of one map for
/// <c>iter/bpf_map_elem</c> and <c>iter/bpf_sk_storage_map</c>, one process or thread for the task iterators, one
/// cgroup for <c>iter/cgroup</c>. <see cref="All"/> is the default: every object of the kind.
/// </summary>
public sealed class IteratorTarget
{
    private readonly SafeHandle? _fd;
    private readonly uint _a, _b;
    private readonly ulong _c;
    private readonly Kind _kind;

    private enum Kind { All, Map, Task, Cgroup }

    private IteratorTarget(Kind kind, SafeHandle? fd, uint a, uint b, ulong c, string description)
    {
        _kind = kind; _fd = fd; _a = a; _b = b; _c = c; Description = description;
    }

    /// <summary>Every object of the iterator's kind (no bpf_iter_link_info).</summary>
    public static IteratorTarget All { get; } = new(Kind.All, null, 0, 0, 0, "all objects");

    /// <summary>The elements of <paramref name="map"/> (bpf_map_elem, bpf_sk_storage_map).</summary>
    public static IteratorTarget Map(BpfMap map) => new(Kind.Map, map.Fd, 0, 0, 0, $"map '{map.Name}'");

    /// <summary>The threads (task iterators) of one process.</summary>
    public static IteratorTarget Process(int pid) => new(Kind.Task, null, 0, (uint)pid, 0, $"process {pid}");

    /// <summary>One thread.</summary>
    public static IteratorTarget Thread(int tid) => new(Kind.Task, null, (uint)tid, 0, 0, $"thread {tid}");

    /// <summary>Cgroups from <paramref name="cgroup"/> in <paramref name="order"/>.</summary>
    public static IteratorTarget Cgroup(Cgroup cgroup, CgroupIteratorOrder order = CgroupIteratorOrder.Self) =>
        new(Kind.Cgroup, cgroup.Handle, (uint)order, 0, 0, $"cgroup {cgroup.Path}");

    /// <summary>The target in words ("map 'x'", "cgroup /sys/fs/cgroup/a"), for messages.</summary>
    public string Description { get; }

    internal bool IsMap => _kind == Kind.Map;

    internal bool IsAll => _kind == Kind.All;

    /// <summary>Fills the 16-byte union; a descriptor goes in as its number, so the caller holds <see cref="Handle"/> across the syscall.</summary>
    internal void Write(Span<byte> info, int fd)
    {
        info.Clear();
        switch (_kind)
        {
            case Kind.Map:
                BinaryPrimitives.WriteUInt32LittleEndian(info, (uint)fd);
                break;
            case Kind.Task:
                BinaryPrimitives.WriteUInt32LittleEndian(info, _a);        // tid
                BinaryPrimitives.WriteUInt32LittleEndian(info[4..], _b);   // pid
                break;
            case Kind.Cgroup:
                BinaryPrimitives.WriteUInt32LittleEndian(info, _a);        // order
                BinaryPrimitives.WriteUInt32LittleEndian(info[4..], (uint)fd);
                BinaryPrimitives.WriteUInt64LittleEndian(info[8..], _c);
                break;
        }
    }

    internal SafeHandle? Handle => _fd;

    /// <summary>The target's <see cref="Description"/>.</summary>
    public override string ToString() => Description;
}
