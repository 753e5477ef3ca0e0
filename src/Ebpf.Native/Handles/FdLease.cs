namespace Ebpf.Native;

/// <summary>
/// Holds a reference on a SafeHandle for the length of one syscall, so a concurrent Dispose cannot close
/// (and the process reuse) the descriptor number while the kernel is using it. A struct: no allocation.
/// </summary>
internal ref struct FdLease
{
    private readonly System.Runtime.InteropServices.SafeHandle? _handle;
    private bool _added;

    public FdLease(System.Runtime.InteropServices.SafeHandle? handle)
    {
        _handle = handle;
        _added = false;
        if (handle is null) { Fd = 0; return; }
        handle.DangerousAddRef(ref _added);
        Fd = (int)handle.DangerousGetHandle();
    }

    /// <summary>The descriptor number, or 0 when no handle was given (the kernel's "none" for optional fds).</summary>
    public int Fd { get; }

    public void Dispose()
    {
        if (_added) { _added = false; _handle!.DangerousRelease(); }
    }
}
