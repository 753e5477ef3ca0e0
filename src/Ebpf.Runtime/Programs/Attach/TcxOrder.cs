using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Where a new tcx program goes among those already on the hook, in the kernel's terms: BPF_F_BEFORE or BPF_F_AFTER,
/// relative to nothing (first, last), to a program or to a link, given by descriptor or by id (BPF_F_ID), a link
/// marked with BPF_F_LINK. Without an order a program is appended (runs last).
/// </summary>
public sealed class TcxOrder
{
    private TcxOrder(BpfAttachFlags flags, SafeHandle? relative, uint relativeId, string description)
    {
        Flags = flags; RelativeHandle = relative; RelativeId = relativeId; Description = description;
    }

    internal BpfAttachFlags Flags { get; }
    internal SafeHandle? RelativeHandle { get; }
    internal uint RelativeId { get; }
    internal string Description { get; }

    /// <summary>Runs before every program on the hook (BPF_F_BEFORE, no relative).</summary>
    public static TcxOrder First { get; } = new(BpfAttachFlags.Before, null, 0, "first");

    /// <summary>Runs after every program on the hook (BPF_F_AFTER, no relative).</summary>
    public static TcxOrder Last { get; } = new(BpfAttachFlags.After, null, 0, "last");

    /// <summary>Runs the new program just before <paramref name="program"/>, which must be on the hook.</summary>
    public static TcxOrder Before(BpfProgram program) => new(BpfAttachFlags.Before, Checked(program).Fd, 0, $"before program '{program.Name}'");
    /// <summary>Runs the new program just after <paramref name="program"/>, which must be on the hook.</summary>
    public static TcxOrder After(BpfProgram program) => new(BpfAttachFlags.After, Checked(program).Fd, 0, $"after program '{program.Name}'");
    /// <summary>Runs the new program just before the one attached by <paramref name="link"/>.</summary>
    public static TcxOrder Before(BpfLink link) => new(BpfAttachFlags.Before | BpfAttachFlags.Link, Checked(link).Fd, 0, $"before the link of program '{link.Program.Name}'");
    /// <summary>Runs the new program just after the one attached by <paramref name="link"/>.</summary>
    public static TcxOrder After(BpfLink link) => new(BpfAttachFlags.After | BpfAttachFlags.Link, Checked(link).Fd, 0, $"after the link of program '{link.Program.Name}'");
    /// <summary>Runs the new program just before the program with kernel id <paramref name="id"/>.</summary>
    public static TcxOrder BeforeProgramId(uint id) => new(BpfAttachFlags.Before | BpfAttachFlags.Id, null, id, $"before program id {id}");
    /// <summary>Runs the new program just after the program with kernel id <paramref name="id"/>.</summary>
    public static TcxOrder AfterProgramId(uint id) => new(BpfAttachFlags.After | BpfAttachFlags.Id, null, id, $"after program id {id}");
    /// <summary>Runs the new program just before the one attached by the link with kernel id <paramref name="id"/>.</summary>
    public static TcxOrder BeforeLinkId(uint id) => new(BpfAttachFlags.Before | BpfAttachFlags.Link | BpfAttachFlags.Id, null, id, $"before link id {id}");
    /// <summary>Runs the new program just after the one attached by the link with kernel id <paramref name="id"/>.</summary>
    public static TcxOrder AfterLinkId(uint id) => new(BpfAttachFlags.After | BpfAttachFlags.Link | BpfAttachFlags.Id, null, id, $"after link id {id}");

    private static T Checked<T>(T value) where T : class => value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The order in words ("before program 'x'"), for messages.</summary>
    public override string ToString() => Description;
}
