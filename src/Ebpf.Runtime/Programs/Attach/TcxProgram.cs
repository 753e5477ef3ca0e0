using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A tc classifier (sched_cls) program, ready to attach to an interface's ingress or egress with a tcx link (kernel 6.6+):
/// several programs share a hook in an order given at attach time, each returns TCX_NEXT (-1) to hand the packet on, or a
/// verdict (pass 0, drop 2, redirect 7) that ends the chain. The link detaches on Dispose, is pinnable and updatable.
/// </summary>
public sealed class TcxProgram
{
    private const int ESTALE = 116;

    internal TcxProgram(BpfProgram program, TcxDirection? declared)
    {
        Program = program;
        Declared = declared;
    }

    /// <summary>The loaded program this view attaches.</summary>
    public BpfProgram Program { get; }

    /// <summary>The direction of the program's section ("tcx/ingress", "tc/egress", ...), or null for "tc".</summary>
    public TcxDirection? Declared { get; }

    /// <summary>Attaches in the declared direction; a program of section "tc" must be given one.</summary>
    public BpfLink Attach(NetInterface target, TcxOrder? order = null, ulong expectedRevision = 0) =>
        Attach(target, Declared ?? throw new BpfException($"program '{Program.Name}' (section \"{Program.SectionName}\") declares no direction: " +
            "pass TcxDirection.Ingress or TcxDirection.Egress, e.g. Attach(iface, TcxDirection.Ingress), or declare it [Tcx(TrafficDirection.Ingress)] (section \"tcx/ingress\")"), order, expectedRevision);

    /// <summary>Attaches to the interface called <paramref name="interfaceName"/> (in this thread's network namespace) on its <paramref name="direction"/> hook.</summary>
    /// <param name="interfaceName">The interface's name, e.g. "eth0".</param>
    /// <param name="direction">Ingress or egress.</param>
    /// <param name="order">Where among the programs already there; null appends.</param>
    /// <param name="expectedRevision">Fail unless the hook's revision is this one (0: no check), to attach only over a known state.</param>
    public BpfLink Attach(string interfaceName, TcxDirection direction, TcxOrder? order = null, ulong expectedRevision = 0) =>
        Attach(NetInterface.Get(interfaceName), direction, order, expectedRevision);

    /// <summary>Attaches to the interface with index <paramref name="ifindex"/> on its <paramref name="direction"/> hook.</summary>
    /// <param name="ifindex">The interface's index.</param>
    /// <param name="direction">Ingress or egress.</param>
    /// <param name="order">Where among the programs already there; null appends.</param>
    /// <param name="expectedRevision">Fail unless the hook's revision is this one (0: no check).</param>
    public BpfLink Attach(int ifindex, TcxDirection direction, TcxOrder? order = null, ulong expectedRevision = 0) =>
        Attach(NetInterface.Get(ifindex), direction, order, expectedRevision);

    /// <summary>
    /// Attaches to <paramref name="target"/>'s <paramref name="direction"/> hook at <paramref name="order"/> (appended when null).
    /// With <paramref name="expectedRevision"/> other than 0 the attach fails unless the hook is still at that revision
    /// (see <see cref="Query"/>): nobody attached or detached since it was read.
    /// </summary>
    public BpfLink Attach(NetInterface target, TcxDirection direction, TcxOrder? order = null, ulong expectedRevision = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        var attachType = AttachTypeOf(direction);
        try
        {
            var fd = target.Run(() => BpfSyscall.LinkCreate(new LinkCreateRequest(Program.Fd, null, attachType)
            {
                TargetIfindex = target.Index,
                Flags = (uint)(order?.Flags ?? 0),
                RelativeHandle = order?.RelativeHandle,
                Relative = order?.RelativeId ?? 0,
                ExpectedRevision = expectedRevision,
            }));
            return new BpfLink(fd, Program);
        }
        catch (BpfSyscallException e)
        {
            var where = $"{target} at tcx {direction.ToString().ToLowerInvariant()}{(order is null ? "" : " " + order)}";
            throw new BpfException($"program '{Program.Name}' could not attach to {where}: {Why(e, order, expectedRevision)}", e);
        }
    }

    /// <summary>The programs on an interface's tcx hook in the order they run, their links and the hook's revision.</summary>
    public static BpfDeviceQueryResult Query(NetInterface target, TcxDirection direction)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Run(() => BpfSyscall.QueryDevice(target.Index, AttachTypeOf(direction)));
    }

    private static BpfAttachType AttachTypeOf(TcxDirection direction) => direction switch
    {
        TcxDirection.Ingress => BpfAttachType.TcxIngress,
        TcxDirection.Egress => BpfAttachType.TcxEgress,
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Ingress or Egress"),
    };

    private static string Why(BpfSyscallException e, TcxOrder? order, ulong expectedRevision) => e.Errno switch
    {
        ESTALE => $"ESTALE: the hook is no longer at revision {expectedRevision} (a program was attached or detached since it was read); query it again with TcxProgram.Query and retry",
        SyscallErrno.ENOENT when order?.Description is { } d => $"ENOENT: nothing to place it {d}: that program or link is not on this hook",
        SyscallErrno.EEXIST => "EEXIST: this program is already on the hook (a program runs at most once per hook); load another instance or Update the existing link",
        SyscallErrno.ERANGE => $"ERANGE: the order conflicts with the hook's programs ({order?.Description ?? "appended"}): choose one relative position",
        _ when e.Errno == SyscallErrno.EINVAL || e.IsNotSupported => $"{e.ErrnoName}: this kernel may have no tcx (Linux 6.6+), or the program is not a tc classifier. {e.Message}",
        _ => e.Message,
    };
}
