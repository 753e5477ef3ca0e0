using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// An iterator program (section <c>iter/KIND</c>: task, task_file, bpf_map, bpf_map_elem, tcp, udp, cgroup, ...):
/// it runs once per object of its kind when its link is read, and what it prints with BPF_SEQ_PRINTF is the output.
/// </summary>
public sealed class IteratorProgram
{
    // The iterators whose bpf_iter_link_info is required rather than optional.
    private static readonly string[] NeedMap = ["bpf_map_elem", "bpf_sk_storage_map", "sockmap"];

    internal IteratorProgram(BpfProgram program, string? kind)
    {
        Program = program;
        Kind = kind;
    }

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>The iterator kind from the section (<c>task</c> for <c>iter/task</c>), when the program came from an object.</summary>
    public string? Kind { get; }

    /// <summary>Attaches over every object of the kind; iterators over map elements need <see cref="Attach(IteratorTarget)"/> with a map.</summary>
    public IteratorLink Attach() => Attach(IteratorTarget.All);

    /// <summary>Attaches over the elements of <paramref name="map"/> (iter/bpf_map_elem, iter/bpf_sk_storage_map, iter/sockmap).</summary>
    public IteratorLink Attach(BpfMap map) => Attach(IteratorTarget.Map(map));

    /// <summary>Creates an iterator link over <paramref name="target"/>; each <c>Open</c> of the link runs the iterator once.</summary>
    /// <exception cref="BpfException">The kernel refused the target for this iterator kind.</exception>
    public IteratorLink Attach(IteratorTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.IsAll && Kind is not null && NeedMap.Contains(Kind))
            throw new BpfException($"iterator program '{Program.Name}' (section \"iter/{Kind}\") walks the elements of one map: pass it, e.g. Attach(bpf.Maps[\"name\"])");
        if (target.IsMap && Kind is not null && !NeedMap.Contains(Kind))
            throw new BpfException($"iterator program '{Program.Name}' (section \"iter/{Kind}\") does not take a map; only iter/{string.Join(", iter/", NeedMap)} do");
        Span<byte> info = stackalloc byte[16];
        bool added = false;
        try
        {
            target.Handle?.DangerousAddRef(ref added);
            target.Write(info, added ? (int)target.Handle!.DangerousGetHandle() : 0);
            var request = new LinkCreateRequest(Program.Fd, null, BpfAttachType.TraceIter) { IterInfo = target.IsAll ? default : info };
            return new IteratorLink(BpfSyscall.LinkCreate(request), Program, target);
        }
        catch (BpfSyscallException e)
        {
            throw new BpfException($"iterator program '{Program.Name}'{(Kind is null ? "" : $" (iter/{Kind})")} could not attach over {target}: {e.Message}" +
                (e.Errno == SyscallErrno.EINVAL ? " Check that the target fits the iterator kind (a map for map iterators, a pid or tid for task iterators, a cgroup for iter/cgroup)." : ""), e);
        }
        finally
        {
            if (added) target.Handle!.DangerousRelease();
        }
    }
}
