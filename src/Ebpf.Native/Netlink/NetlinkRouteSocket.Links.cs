using System.Runtime.InteropServices;

namespace Ebpf.Native.Netlink;

/// <summary>Interfaces: name and index, and the legacy XDP attach (IFLA_XDP in RTM_SETLINK).</summary>
public sealed partial class NetlinkRouteSocket
{
    /// <summary>The index of the interface named <paramref name="name"/> in this socket's namespace (ENODEV when there is none).</summary>
    public int InterfaceIndex(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int index = 0;
        GetLink(0, name, (type, payload) => index = MemoryMarshal.Read<IfInfoMsg>(payload).Index);
        return index;
    }

    /// <summary>The name of the interface with index <paramref name="index"/>.</summary>
    public string InterfaceName(int index)
    {
        string name = "";
        GetLink(index, null, (type, payload) =>
        {
            foreach (var a in new NetlinkAttributes(payload[Nl.Align(Marshal.SizeOf<IfInfoMsg>())..]))
                if (a.Type == Nl.IflaIfName) name = a.String;
        });
        return name;
    }

    /// <summary>The XDP programs the interface runs, as its IFLA_XDP attribute reports them.</summary>
    public XdpNetlinkState QueryXdp(int interfaceIndex)
    {
        var state = new XdpNetlinkState(XdpAttachedMode.None, 0, 0, 0, 0);
        GetLink(interfaceIndex, null, (type, payload) =>
        {
            foreach (var a in new NetlinkAttributes(payload[Nl.Align(Marshal.SizeOf<IfInfoMsg>())..]))
            {
                if (a.Type != Nl.IflaXdp) continue;
                foreach (var x in a.Nested)
                    state = x.Type switch
                    {
                        Nl.IflaXdpAttached => state with { Mode = (XdpAttachedMode)x.U8 },
                        Nl.IflaXdpProgId => state with { ProgramId = x.U32 },
                        Nl.IflaXdpSkbProgId => state with { GenericProgramId = x.U32 },
                        Nl.IflaXdpDrvProgId => state with { NativeProgramId = x.U32 },
                        Nl.IflaXdpHwProgId => state with { OffloadProgramId = x.U32 },
                        _ => state,
                    };
            }
        });
        // With one program attached the kernel reports only IFLA_XDP_PROG_ID; fill in the mode's own id too.
        return state.Mode switch
        {
            XdpAttachedMode.Generic when state.GenericProgramId == 0 => state with { GenericProgramId = state.ProgramId },
            XdpAttachedMode.Native when state.NativeProgramId == 0 => state with { NativeProgramId = state.ProgramId },
            XdpAttachedMode.Offload when state.OffloadProgramId == 0 => state with { OffloadProgramId = state.ProgramId },
            _ => state,
        };
    }

    /// <summary>
    /// Attaches (or with a null <paramref name="program"/>, detaches) the interface's XDP program through
    /// RTM_SETLINK: IFLA_XDP { IFLA_XDP_FD, IFLA_XDP_FLAGS, IFLA_XDP_EXPECTED_FD with <see cref="XdpNetlinkFlags.Replace"/> }.
    /// </summary>
    public void SetXdp(int interfaceIndex, BpfProgramFd? program, XdpNetlinkFlags flags, BpfProgramFd? expected = null)
    {
        using var p = new FdLease(program);
        using var e = new FdLease(expected);
        var message = new NetlinkMessageWriter(Nl.RtmSetLink, Nl.Request | Nl.Ack);
        message.Header(new IfInfoMsg { Index = interfaceIndex });
        int nest = message.BeginNested(Nl.IflaXdp);
        message.S32(Nl.IflaXdpFd, program is null ? -1 : p.Fd);
        if (flags != XdpNetlinkFlags.None)
            message.U32(Nl.IflaXdpFlags, (uint)flags);
        if ((flags & XdpNetlinkFlags.Replace) != 0)
            message.S32(Nl.IflaXdpExpectedFd, expected is null ? -1 : e.Fd);
        message.EndNested(nest);
        Request(message, program is null ? $"XDP detach from interface {interfaceIndex}" : $"XDP {program.Describe()} on interface {interfaceIndex}");
    }

    private void GetLink(int index, string? name, ReplyHandler onReply)
    {
        var message = new NetlinkMessageWriter(Nl.RtmGetLink, Nl.Request | Nl.Ack);
        message.Header(new IfInfoMsg { Index = index });
        if (name is not null) message.String(Nl.IflaIfName, name);
        message.U32(Nl.IflaExtMask, Nl.RtextFilterSkipStats);
        Request(message, name is null ? $"interface {index}" : $"interface '{name}'", (type, payload) =>
        {
            if (type == Nl.RtmNewLink && payload.Length >= Marshal.SizeOf<IfInfoMsg>()) onReply(type, payload);
        });
    }
}

/// <summary>XDP_FLAGS_* of the legacy netlink attach (linux/if_link.h).</summary>
[Flags]
public enum XdpNetlinkFlags : uint
{
    /// <summary>No flags: the kernel picks the mode.</summary>
    None = 0,
    /// <summary>Fail (EBUSY) if a program is attached already.</summary>
    UpdateIfNoExist = 1 << 0,
    /// <summary>XDP_FLAGS_SKB_MODE: generic XDP, on socket buffers.</summary>
    SkbMode = 1 << 1,
    /// <summary>XDP_FLAGS_DRV_MODE: native XDP, in the driver.</summary>
    DrvMode = 1 << 2,
    /// <summary>XDP_FLAGS_HW_MODE: offloaded to the NIC.</summary>
    HwMode = 1 << 3,
    /// <summary>Replace only if IFLA_XDP_EXPECTED_FD is the program attached now (EEXIST otherwise).</summary>
    Replace = 1 << 4,
}

/// <summary>IFLA_XDP_ATTACHED: XDP_ATTACHED_NONE, DRV, SKB, HW, MULTI.</summary>
public enum XdpAttachedMode : byte
{
    /// <summary>XDP_ATTACHED_NONE: no program.</summary>
    None = 0,
    /// <summary>XDP_ATTACHED_DRV: a native (driver) program.</summary>
    Native = 1,
    /// <summary>XDP_ATTACHED_SKB: a generic program.</summary>
    Generic = 2,
    /// <summary>XDP_ATTACHED_HW: an offloaded program.</summary>
    Offload = 3,
    /// <summary>XDP_ATTACHED_MULTI: programs in more than one mode.</summary>
    Multiple = 4,
}

/// <summary>What an interface reports in IFLA_XDP: the mode and the program id per mode (0: none).</summary>
public sealed record XdpNetlinkState(XdpAttachedMode Mode, uint ProgramId, uint GenericProgramId, uint NativeProgramId, uint OffloadProgramId);
