using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Ebpf.Native.Netlink;

/// <summary>Traffic control: the clsact qdisc and cls_bpf filters on its ingress and egress hooks.</summary>
public sealed partial class NetlinkRouteSocket
{
    /// <summary>The tcm_parent of filters on clsact's ingress hook (ffff:fff2) and egress hook (ffff:fff3).</summary>
    public static uint ClsactParent(bool egress) => Nl.TcHandle(Nl.TcHClsact, egress ? Nl.TcHMinEgress : Nl.TcHMinIngress);

    /// <summary>Adds a clsact qdisc; false when the interface has one already (nothing changed then).</summary>
    public bool AddClsact(int interfaceIndex)
    {
        var message = ClsactMessage(Nl.RtmNewQdisc, Nl.Request | Nl.Ack | Nl.Create | Nl.Excl, interfaceIndex);
        message.String(Nl.TcaKind, "clsact");
        try
        {
            Request(message, $"clsact qdisc on interface {interfaceIndex}");
            return true;
        }
        catch (NetlinkException e) when (e.Errno == SyscallErrno.EEXIST && HasClsact(interfaceIndex))
        {
            return false;
        }
    }

    /// <summary>Deletes the clsact qdisc of the interface, and with it every tc filter on it.</summary>
    /// <exception cref="NetlinkException">The kernel refused (e.g. ENOENT: no clsact qdisc there).</exception>
    public void DeleteClsact(int interfaceIndex)
    {
        var message = ClsactMessage(Nl.RtmDelQdisc, Nl.Request | Nl.Ack, interfaceIndex);
        message.String(Nl.TcaKind, "clsact");
        Request(message, $"clsact qdisc on interface {interfaceIndex}");
    }

    /// <summary>Whether the interface has a clsact qdisc.</summary>
    public bool HasClsact(int interfaceIndex)
    {
        var message = new NetlinkMessageWriter(Nl.RtmGetQdisc, Nl.Request | Nl.Dump);
        message.Header(new TcMsg { InterfaceIndex = interfaceIndex });
        foreach (var (type, payload) in Dump(message, $"qdiscs of interface {interfaceIndex}"))
        {
            if (type != Nl.RtmNewQdisc || payload.Length < Marshal.SizeOf<TcMsg>()) continue;
            var tc = MemoryMarshal.Read<TcMsg>(payload);
            if (tc.InterfaceIndex == interfaceIndex && tc.Parent == Nl.TcHClsact && Kind(payload) == "clsact")
                return true;
        }
        return false;
    }

    /// <summary>
    /// Adds a cls_bpf filter (TCA_BPF_FD, TCA_BPF_NAME, direct action when asked) at <paramref name="parent"/>,
    /// for every protocol. Priority or handle 0 lets the kernel choose; the filter as created is returned (NLM_F_ECHO).
    /// NLM_F_EXCL makes an existing filter at that priority and handle an EEXIST rather than a silent replace.
    /// </summary>
    public TcFilterInfo AddBpfFilter(int interfaceIndex, uint parent, ushort priority, uint handle, BpfProgramFd program, string name, bool directAction = true)
    {
        using var p = new FdLease(program);
        var message = new NetlinkMessageWriter(Nl.RtmNewTFilter, Nl.Request | Nl.Ack | Nl.Create | Nl.Excl | Nl.Echo);
        message.Header(FilterHeader(interfaceIndex, parent, priority, handle));
        message.String(Nl.TcaKind, "bpf");
        int options = message.BeginNested(Nl.TcaOptions);
        message.U32(Nl.TcaBpfFd, (uint)p.Fd);
        message.String(Nl.TcaBpfName, name);
        if (directAction) message.U32(Nl.TcaBpfFlags, Nl.TcaBpfFlagActDirect);
        message.EndNested(options);
        TcFilterInfo? created = null;
        Request(message, $"cls_bpf filter for {program.Describe()} on interface {interfaceIndex}", (type, payload) =>
        {
            if (type == Nl.RtmNewTFilter) created = ParseFilter(payload);
        });
        // Kernels that do not echo: what was asked for is what was made, when it was explicit.
        return created ?? new TcFilterInfo(interfaceIndex, parent, priority, handle, BinaryPrimitives.ReverseEndianness(Nl.EthPAll), "bpf", 0, name, directAction);
    }

    /// <summary>Deletes the tc filter at <paramref name="parent"/>, <paramref name="priority"/> and <paramref name="handle"/>.</summary>
    /// <param name="interfaceIndex">The interface's index.</param>
    /// <param name="parent">The clsact hook: ingress or egress parent handle.</param>
    /// <param name="priority">The filter's priority.</param>
    /// <param name="handle">The filter's handle.</param>
    /// <param name="kind">The classifier, "bpf" for cls_bpf.</param>
    /// <exception cref="NetlinkException">The kernel refused (e.g. ENOENT: no such filter).</exception>
    public void DeleteFilter(int interfaceIndex, uint parent, ushort priority, uint handle, string kind = "bpf")
    {
        var message = new NetlinkMessageWriter(Nl.RtmDelTFilter, Nl.Request | Nl.Ack);
        message.Header(FilterHeader(interfaceIndex, parent, priority, handle));
        message.String(Nl.TcaKind, kind);
        Request(message, $"tc filter (priority {priority}, handle 0x{handle:x}) on interface {interfaceIndex}");
    }

    /// <summary>The filters at <paramref name="parent"/> (chain 0), one entry per filter.</summary>
    public IReadOnlyList<TcFilterInfo> ListFilters(int interfaceIndex, uint parent)
    {
        var message = new NetlinkMessageWriter(Nl.RtmGetTFilter, Nl.Request | Nl.Dump);
        message.Header(new TcMsg { InterfaceIndex = interfaceIndex, Parent = parent });
        var filters = new List<TcFilterInfo>();
        foreach (var (type, payload) in Dump(message, $"tc filters of interface {interfaceIndex}"))
            if (type == Nl.RtmNewTFilter && ParseFilter(payload) is { Handle: not 0 } filter)
                filters.Add(filter); // handle 0 is the per-priority head the kernel lists before its filters
        return filters;
    }

    private static TcMsg FilterHeader(int interfaceIndex, uint parent, ushort priority, uint handle) => new()
    {
        InterfaceIndex = interfaceIndex,
        Parent = parent,
        Handle = handle,
        Info = ((uint)priority << 16) | BinaryPrimitives.ReverseEndianness(Nl.EthPAll),
    };

    private static NetlinkMessageWriter ClsactMessage(ushort type, ushort flags, int interfaceIndex)
    {
        var message = new NetlinkMessageWriter(type, flags);
        message.Header(new TcMsg { InterfaceIndex = interfaceIndex, Handle = Nl.TcHandle(Nl.TcHClsact, 0), Parent = Nl.TcHClsact });
        return message;
    }

    private static TcFilterInfo? ParseFilter(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Marshal.SizeOf<TcMsg>()) return null;
        var tc = MemoryMarshal.Read<TcMsg>(payload);
        string kind = "";
        uint programId = 0, flags = 0;
        string? name = null;
        foreach (var a in new NetlinkAttributes(payload[Nl.Align(Marshal.SizeOf<TcMsg>())..]))
        {
            if (a.Type == Nl.TcaKind) kind = a.String;
            if (a.Type != Nl.TcaOptions) continue;
            foreach (var o in a.Nested)
            {
                if (o.Type == Nl.TcaBpfId) programId = o.U32;
                else if (o.Type == Nl.TcaBpfName) name = o.String;
                else if (o.Type == Nl.TcaBpfFlags) flags = o.U32;
            }
        }
        return new TcFilterInfo(tc.InterfaceIndex, tc.Parent, (ushort)(tc.Info >> 16), tc.Handle, (ushort)(tc.Info & 0xFFFF), kind,
            programId, name, kind == "bpf" && (flags & Nl.TcaBpfFlagActDirect) != 0);
    }

    private static string Kind(ReadOnlySpan<byte> payload)
    {
        foreach (var a in new NetlinkAttributes(payload[Nl.Align(Marshal.SizeOf<TcMsg>())..]))
            if (a.Type == Nl.TcaKind) return a.String;
        return "";
    }
}

/// <summary>A tc filter as the kernel lists it; for cls_bpf also the program's id and name and whether it runs in direct-action mode.</summary>
/// <param name="InterfaceIndex">The interface's index.</param>
/// <param name="Parent">The parent handle (the clsact ingress or egress hook).</param>
/// <param name="Priority">The filter's priority.</param>
/// <param name="Handle">The filter's handle.</param>
/// <param name="Protocol">The protocol in network byte order, as tcm_info holds it (ETH_P_ALL: 0x0300).</param>
/// <param name="Kind">The classifier, e.g. "bpf".</param>
/// <param name="ProgramId">For cls_bpf, the program's id; 0 otherwise.</param>
/// <param name="ProgramName">For cls_bpf, the program's name as the filter reports it.</param>
/// <param name="DirectAction">For cls_bpf, whether it runs in direct-action mode.</param>
public sealed record TcFilterInfo(int InterfaceIndex, uint Parent, ushort Priority, uint Handle, ushort Protocol, string Kind,
    uint ProgramId, string? ProgramName, bool DirectAction);
