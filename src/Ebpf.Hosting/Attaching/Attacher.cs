namespace Ebpf.Hosting;

/// <summary>Turns one <see cref="BpfAttachOptions"/> into an attachment through the program kinds of Ebpf.Runtime.</summary>
internal static class Attacher
{
    public static BpfAttachment Attach(BpfObject bpf, string objectName, BpfAttachOptions options)
    {
        Validate(objectName, options);
        if (!bpf.Programs.TryGet(options.Program, out var program))
            throw new BpfException($"ebpf object '{objectName}' has no program '{options.Program}' to attach; it has: {string.Join(", ", bpf.Programs.Select(p => p.Name))}");
        var attachment = options.Kind switch
        {
            BpfAttachKind.Cgroup => AttachCgroup(program, options),
            BpfAttachKind.Xdp => program.AsXdp().Attach(options.Target!, options.XdpMode),
            BpfAttachKind.Tcx => options.Direction is { } d
                ? program.AsTcx().Attach(options.Target!, d == BpfDirection.Ingress ? TcxDirection.Ingress : TcxDirection.Egress)
                : program.AsTcx().Attach(NetInterface.Get(options.Target!)),
            BpfAttachKind.Tc => program.AsTc().Attach(options.Target!, options.Direction == BpfDirection.Ingress ? TcDirection.Ingress : TcDirection.Egress),
            BpfAttachKind.Tracepoint => string.IsNullOrEmpty(options.Target) ? program.AsTracepoint().Attach() : program.AsTracepoint().Attach(options.Target),
            _ => throw new BpfException($"ebpf object '{objectName}': attach kind {options.Kind} is not one a host configures"),
        };
        if (options.Pin is { } pin)
            Pin(attachment, pin, objectName, options);
        return attachment;
    }

    private static BpfAttachment AttachCgroup(BpfProgram program, BpfAttachOptions options)
    {
        using var cgroup = Cgroup.Open(options.Target!);
        if (program.Type != BpfProgramType.CgroupSkb)
            return program.AsCgroupProgram().Attach(cgroup);
        var skb = program.AsCgroupSkb();
        return options.Direction is { } d ? skb.Attach(cgroup, d == BpfDirection.Ingress ? SkbDirection.Ingress : SkbDirection.Egress) : skb.Attach(cgroup);
    }

    private static void Pin(BpfAttachment attachment, string pin, string objectName, BpfAttachOptions options)
    {
        if (attachment is not BpfLink link)
        {
            attachment.Dispose();
            throw new BpfException($"ebpf object '{objectName}': {options} is attached without a BPF link ({attachment.GetType().Name}), which cannot be pinned; remove \"Pin\"");
        }
        link.Pin(pin);
    }

    /// <summary>What configuration alone can get wrong, said before anything is loaded.</summary>
    public static void Validate(string objectName, BpfAttachOptions options)
    {
        string Where() => $"ebpf object '{objectName}', attachment of program '{options.Program}'";
        if (string.IsNullOrEmpty(options.Program))
            throw new BpfException($"ebpf object '{objectName}': an attachment names no program; set \"Program\" to the program's function name");
        if (options.Kind is null)
            throw new BpfException($"{Where()}: set \"Kind\" to one of {string.Join(", ", Enum.GetNames<BpfAttachKind>())}");
        if (options.Kind != BpfAttachKind.Tracepoint && string.IsNullOrEmpty(options.Target))
            throw new BpfException($"{Where()}: kind {options.Kind} needs \"Target\": " + (options.Kind == BpfAttachKind.Cgroup ? "a cgroup path" : "an interface name"));
        if (options.Kind == BpfAttachKind.Tc && options.Direction is null)
            throw new BpfException($"{Where()}: a tc attachment needs \"Direction\": Ingress or Egress");
    }
}
