namespace Ebpf.Kernel;

/// <summary>Where a cgroup/sock program runs.</summary>
public enum CgroupSockHook
{
    /// <summary>When a socket is created ("cgroup/sock_create").</summary>
    Create,
    /// <summary>When a socket is released ("cgroup/sock_release").</summary>
    Release,
    /// <summary>After an IPv4 bind ("cgroup/post_bind4").</summary>
    PostBind4,
    /// <summary>After an IPv6 bind ("cgroup/post_bind6").</summary>
    PostBind6,
}

/// <summary>A cgroup_sock program over <c>struct bpf_sock</c>; returns <see cref="CgroupVerdict"/>. Without a hook: "cgroup/sock" (socket creation).</summary>
public sealed class CgroupSockAttribute : ProgramAttribute
{
    public CgroupSockAttribute() { }

    public CgroupSockAttribute(CgroupSockHook hook) => Hook = CheckEnum(hook, "CgroupSock", nameof(hook));

    public CgroupSockHook? Hook { get; }

    public override string Section => Hook switch
    {
        null => "cgroup/sock",
        CgroupSockHook.Create => "cgroup/sock_create",
        CgroupSockHook.Release => "cgroup/sock_release",
        CgroupSockHook.PostBind4 => "cgroup/post_bind4",
        _ => "cgroup/post_bind6",
    };

    public override Type? ContextType => typeof(CgroupSockContext);
    public override Type? ReturnType => typeof(CgroupVerdict);
}

/// <summary>The socket call a cgroup_sock_addr program runs in.</summary>
public enum SockAddrHook
{
    Bind4, Bind6,
    Connect4, Connect6, ConnectUnix,
    SendMsg4, SendMsg6, SendMsgUnix,
    RecvMsg4, RecvMsg6, RecvMsgUnix,
    GetPeerName4, GetPeerName6, GetPeerNameUnix,
    GetSockName4, GetSockName6, GetSockNameUnix,
}

/// <summary>
/// A cgroup_sock_addr program over <c>struct bpf_sock_addr</c>, e.g. <c>[CgroupSockAddr(SockAddrHook.Connect4)]</c> → "cgroup/connect4".
/// It may rewrite the address and port; returns <see cref="CgroupVerdict"/> (recvmsg, getpeername and getsockname must allow).
/// </summary>
public sealed class CgroupSockAddrAttribute : ProgramAttribute
{
    public CgroupSockAddrAttribute(SockAddrHook hook) => Hook = CheckEnum(hook, "CgroupSockAddr", nameof(hook));

    public SockAddrHook Hook { get; }

    public override string Section => "cgroup/" + Hook switch
    {
        SockAddrHook.Bind4 => "bind4",
        SockAddrHook.Bind6 => "bind6",
        SockAddrHook.Connect4 => "connect4",
        SockAddrHook.Connect6 => "connect6",
        SockAddrHook.ConnectUnix => "connect_unix",
        SockAddrHook.SendMsg4 => "sendmsg4",
        SockAddrHook.SendMsg6 => "sendmsg6",
        SockAddrHook.SendMsgUnix => "sendmsg_unix",
        SockAddrHook.RecvMsg4 => "recvmsg4",
        SockAddrHook.RecvMsg6 => "recvmsg6",
        SockAddrHook.RecvMsgUnix => "recvmsg_unix",
        SockAddrHook.GetPeerName4 => "getpeername4",
        SockAddrHook.GetPeerName6 => "getpeername6",
        SockAddrHook.GetPeerNameUnix => "getpeername_unix",
        SockAddrHook.GetSockName4 => "getsockname4",
        SockAddrHook.GetSockName6 => "getsockname6",
        _ => "getsockname_unix",
    };

    public override Type? ContextType => typeof(BpfSockAddrContext);
    public override Type? ReturnType => typeof(CgroupVerdict);
}

/// <summary>Which socket option call a cgroup_sockopt program sees.</summary>
public enum SockoptHook
{
    /// <summary>getsockopt(2): "cgroup/getsockopt".</summary>
    Get,
    /// <summary>setsockopt(2): "cgroup/setsockopt".</summary>
    Set,
}

/// <summary>A cgroup_sockopt program over <c>struct bpf_sockopt</c>; returns <see cref="CgroupVerdict"/>.</summary>
public sealed class CgroupSockoptAttribute : ProgramAttribute
{
    public CgroupSockoptAttribute(SockoptHook hook) => Hook = CheckEnum(hook, "CgroupSockopt", nameof(hook));

    public SockoptHook Hook { get; }

    public override string Section => Hook == SockoptHook.Get ? "cgroup/getsockopt" : "cgroup/setsockopt";
    public override Type? ReturnType => typeof(CgroupVerdict);
}

/// <summary>A cgroup_sysctl program ("cgroup/sysctl") over <c>struct bpf_sysctl</c>; returns <see cref="CgroupVerdict"/>.</summary>
public sealed class CgroupSysctlAttribute : ProgramAttribute
{
    public override string Section => "cgroup/sysctl";
    public override Type? ContextType => typeof(SysctlContext);
    public override Type? ReturnType => typeof(CgroupVerdict);
}

/// <summary>A cgroup_device program ("cgroup/dev") over <c>struct bpf_cgroup_dev_ctx</c>; returns <see cref="CgroupVerdict"/>.</summary>
public sealed class CgroupDeviceAttribute : ProgramAttribute
{
    public override string Section => "cgroup/dev";
    public override Type? ContextType => typeof(CgroupDeviceContext);
    public override Type? ReturnType => typeof(CgroupVerdict);
}

/// <summary>A sock_ops program ("sockops") over <c>struct bpf_sock_ops</c>, attached to a cgroup; returns 1 (see <see cref="SockOpsContext.Reply"/> for the answer).</summary>
public sealed class SockOpsAttribute : ProgramAttribute
{
    public override string Section => "sockops";
    public override Type? ContextType => typeof(SockOpsContext);
}
