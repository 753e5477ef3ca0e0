namespace Ebpf;

/// <summary>
/// A program attached somewhere. Disposing detaches it, unless it was pinned: a pinned link keeps the
/// program attached after this process exits, until the pin is removed.
/// </summary>
public abstract class BpfAttachment : IDisposable
{
    /// <summary>The program now attached.</summary>
    public abstract BpfProgram Program { get; }

    /// <summary>Detaches the program (unless pinned) and closes the descriptors this attachment holds.</summary>
    public abstract void Dispose();
}
