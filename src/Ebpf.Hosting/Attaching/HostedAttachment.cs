using Ebpf.Native;

namespace Ebpf.Hosting;

/// <summary>One configured attachment of a hosted object: the link once attached, or why it is not.</summary>
public sealed class HostedAttachment
{
    internal HostedAttachment(BpfAttachOptions options) => Options = options;

    public BpfAttachOptions Options { get; }

    /// <summary>The attachment while the host runs; null before start, after stop, or when attaching failed.</summary>
    public BpfAttachment? Attachment { get; internal set; }

    /// <summary>Why attaching failed (with <see cref="BpfObjectOptions.ContinueOnError"/>), else null.</summary>
    public Exception? Error { get; internal set; }

    /// <summary>
    /// Null while the program is attached; otherwise why not. A BPF link is asked: the kernel keeps a link whose cgroup was
    /// removed, or whose interface went away, or that someone detached (<c>bpftool link detach</c>), with its target cleared.
    /// </summary>
    public string? Problem()
    {
        if (Error is not null)
            return $"failed: {Error.Message}";
        if (Attachment is null)
            return "not attached (the host has not started, or has stopped)";
        if (Attachment is not BpfLink link)
            return null; // attachments without a link belong to their target: nothing to ask the kernel about them
        try
        {
            var info = link.Info;
            return info switch
            {
                { Type: BpfLinkType.Cgroup, CgroupId: 0 } => "detached: the link has no cgroup any more (the cgroup was removed, or the link was detached)",
                { Type: BpfLinkType.Xdp or BpfLinkType.Tcx, Ifindex: 0 } => "detached: the link has no interface any more (the interface went away, or the link was detached)",
                _ => null,
            };
        }
        catch (Exception e) when (e is BpfException or ObjectDisposedException)
        {
            return $"detached: the link cannot be read ({e.Message})";
        }
    }

    public override string ToString() => Options.ToString();
}
