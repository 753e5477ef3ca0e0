namespace Ebpf.Hosting;

/// <summary>An object the host loads: its options, the loaded object while the host runs, and its attachments.</summary>
public sealed class HostedBpfObject
{
    internal HostedBpfObject(string name) => Name = name;

    public string Name { get; }

    /// <summary>The options it was (or will be) loaded with; set when the host starts.</summary>
    public BpfObjectOptions? Options { get; internal set; }

    /// <summary>The loaded object while the host runs, else null.</summary>
    public BpfObject? Object { get; internal set; }

    /// <summary>Why loading failed (with <see cref="BpfObjectOptions.ContinueOnError"/>), else null.</summary>
    public Exception? Error { get; internal set; }

    public IReadOnlyList<HostedAttachment> Attachments { get; internal set; } = [];

    /// <summary>The loaded object, or an exception that says why there is none.</summary>
    public BpfObject Loaded => Object ?? throw new BpfException(Error is { } e
        ? $"ebpf object '{Name}' failed to load: {e.Message}"
        : $"ebpf object '{Name}' is not loaded: the host has not started (or has stopped); start the host first");

    public override string ToString() => Name;
}
