namespace Ebpf.Programs.Tests.TracingAttach;

/// <summary>
/// The tracing attach tests count this process's descriptors and the kernel's links, so they run alone: after the
/// parallel tests, one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingAttachCollection
{
    public const string Name = "TracingAttach";
}
