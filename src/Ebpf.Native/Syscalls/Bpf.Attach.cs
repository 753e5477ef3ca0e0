using System.Runtime.InteropServices;
using Ebpf.Native.Attrs;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

public static unsafe partial class BpfSyscall
{
    /// <summary>BPF_PROG_ATTACH: attaches to a target descriptor (a cgroup directory, a socket map, a netns ...).
    /// With <see cref="BpfAttachFlags.Replace"/>, <paramref name="replace"/> is the program swapped out.</summary>
    public static void ProgAttach(SafeHandle target, BpfProgramFd program, BpfAttachType attachType, BpfAttachFlags flags = BpfAttachFlags.None, BpfProgramFd? replace = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var t = new FdLease(target);
        using var p = new FdLease(program);
        using var old = new FdLease(replace);
        ProgAttachAttr attr = default;
        attr.TargetFd = (uint)t.Fd;
        attr.AttachBpfFd = (uint)p.Fd;
        attr.AttachType = (uint)attachType;
        attr.AttachFlags = (uint)(replace is null ? flags : flags | BpfAttachFlags.Replace);
        attr.ReplaceBpfFd = (uint)old.Fd;
        int r = Sys(BpfCommand.ProgAttach, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.ProgAttach, -r, $"{program.Describe()} at {attachType}", program.Name);
    }

    /// <summary>BPF_PROG_DETACH: detaches <paramref name="program"/> (or, for single-program attach points, whatever is attached when null).</summary>
    public static void ProgDetach(SafeHandle target, BpfProgramFd? program, BpfAttachType attachType)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var t = new FdLease(target);
        using var p = new FdLease(program);
        ProgAttachAttr attr = default;
        attr.TargetFd = (uint)t.Fd;
        attr.AttachBpfFd = (uint)p.Fd;
        attr.AttachType = (uint)attachType;
        int r = Sys(BpfCommand.ProgDetach, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.ProgDetach, -r, $"{program?.Describe() ?? "program"} at {attachType}", program?.Name);
    }

    /// <summary>BPF_PROG_QUERY: the programs attached to a target for one attach type, and the attach mode.</summary>
    public static BpfProgQueryResult ProgQuery(SafeHandle target, BpfAttachType attachType, uint queryFlags = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var t = new FdLease(target);
        // Start with room for 64 ids; the kernel says how many there are when that is not enough (ENOSPC).
        uint[] ids = new uint[64];
        while (true)
        {
            fixed (uint* pids = ids)
            {
                ProgQueryAttr attr = default;
                attr.TargetFd = (uint)t.Fd;
                attr.AttachType = (uint)attachType;
                attr.QueryFlags = queryFlags;
                attr.ProgIds = (ulong)pids;
                attr.ProgCnt = (uint)ids.Length;
                int r = Sys(BpfCommand.ProgQuery, &attr);
                if (r == -SyscallErrno.ENOSPC && attr.ProgCnt > ids.Length) { ids = new uint[attr.ProgCnt]; continue; }
                if (r < 0) throw BpfErrors.FromErrno(BpfCommand.ProgQuery, -r, $"attach type {attachType}");
                return new BpfProgQueryResult((BpfAttachFlags)attr.AttachFlags, ids.AsSpan(0, (int)attr.ProgCnt).ToArray(), attr.Revision);
            }
        }
    }

    /// <summary>BPF_LINK_CREATE.</summary>
    public static BpfLinkFd LinkCreate(in LinkCreateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request.Program);
        using var p = new FdLease(request.Program);
        using var t = new FdLease(request.Target);
        using var relative = new FdLease(request.RelativeHandle);
        fixed (byte* iter = request.IterInfo)
        {
            LinkCreateAttr attr = default;
            attr.ProgFd = (uint)p.Fd;
            attr.TargetFd = request.Target is null ? request.TargetIfindex : (uint)t.Fd;
            attr.AttachType = (uint)request.AttachType;
            attr.Flags = request.Flags;
            if (!request.IterInfo.IsEmpty)
            {
                attr.IterInfo = (ulong)iter;
                attr.IterInfoLen = (uint)request.IterInfo.Length;
            }
            else if (request.AttachType == BpfAttachType.Netfilter)
            {
                attr.NetfilterPf = request.NetfilterProtocolFamily;
                attr.NetfilterHooknum = request.NetfilterHook;
                attr.NetfilterPriority = request.NetfilterPriority;
                attr.NetfilterFlags = request.NetfilterFlags;
            }
            else
            {
                if (request.TargetBtfId != 0) attr.TargetBtfId = request.TargetBtfId;
                if (request.Relative != 0) attr.TargetBtfId = request.Relative;
                if (request.RelativeHandle is not null) attr.TargetBtfId = (uint)relative.Fd;
                if (request.TracingCookie != 0) attr.TracingCookie = request.TracingCookie;
                if (request.ExpectedRevision != 0) attr.TracingCookie = request.ExpectedRevision;
            }
            int r = Sys(BpfCommand.LinkCreate, &attr);
            if (r < 0) throw BpfErrors.FromErrno(BpfCommand.LinkCreate, -r, $"{request.Program.Describe()} at {request.AttachType}", request.Program.Name);
            return new BpfLinkFd(r, request.Program.Name);
        }
    }

    /// <summary>BPF_LINK_CREATE for the common case of a target descriptor (e.g. a cgroup directory).</summary>
    public static BpfLinkFd LinkCreate(BpfProgramFd program, SafeHandle target, BpfAttachType attachType, uint flags = 0)
    {
        var request = new LinkCreateRequest(program, target, attachType) { Flags = flags };
        return LinkCreate(request);
    }

    /// <summary>BPF_LINK_UPDATE: swaps the link's program; with <paramref name="oldProgram"/> only if that is the one it holds (BPF_F_REPLACE).</summary>
    public static void LinkUpdate(BpfLinkFd link, BpfProgramFd newProgram, BpfProgramFd? oldProgram = null)
    {
        using var l = new FdLease(link);
        using var n = new FdLease(newProgram);
        using var o = new FdLease(oldProgram);
        LinkUpdateAttr attr = default;
        attr.LinkFd = (uint)l.Fd;
        attr.NewProgFd = (uint)n.Fd;
        if (oldProgram is not null)
        {
            attr.Flags = (uint)BpfAttachFlags.Replace;
            attr.OldProgFd = (uint)o.Fd;
        }
        int r = Sys(BpfCommand.LinkUpdate, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.LinkUpdate, -r, $"{link.Describe()} to {newProgram.Describe()}", link.Name);
    }

    /// <summary>BPF_LINK_DETACH: detaches now; the descriptor stays open (and defunct) until disposed.</summary>
    public static void LinkDetach(BpfLinkFd link)
    {
        using var l = new FdLease(link);
        LinkDetachAttr attr = default;
        attr.LinkFd = (uint)l.Fd;
        int r = Sys(BpfCommand.LinkDetach, &attr);
        if (r < 0) throw BpfErrors.FromErrno(BpfCommand.LinkDetach, -r, link);
    }
}
