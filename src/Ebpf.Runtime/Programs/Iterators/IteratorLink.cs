using System.Runtime.CompilerServices;
using System.Text;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// An iterator attached to its target (an iter link). Each <see cref="Open"/> starts a new run that walks the
/// objects as they are now; pinned, the link is a file on bpffs that <c>cat</c> reads the same way.
/// Disposing closes the link; runs already open finish on their own descriptors.
/// </summary>
public sealed class IteratorLink : BpfAttachment
{
    private BpfProgram _program;

    internal IteratorLink(BpfLinkFd fd, BpfProgram program, IteratorTarget target)
    {
        Fd = fd;
        _program = program;
        Target = target;
    }

    /// <summary>The iterator link's descriptor.</summary>
    public BpfLinkFd Fd { get; }

    /// <inheritdoc/>
    public override BpfProgram Program => _program;

    /// <summary>What the iterator walks.</summary>
    public IteratorTarget Target { get; }

    /// <summary>The kernel's description of the link; each read queries the kernel.</summary>
    public BpfLinkInfo Info => BpfSyscall.GetLinkInfo(Fd);

    /// <summary>A new run of the iterator as a stream of what the program prints (BPF_ITER_CREATE).</summary>
    public IteratorStream Open()
    {
        ObjectDisposedException.ThrowIf(Fd.IsClosed, this);
        try
        {
            return new IteratorStream(BpfSyscall.IterCreate(Fd));
        }
        catch (BpfSyscallException e)
        {
            throw new BpfException($"iterator program '{Program.Name}' over {Target} could not start a run: {e.Message}", e);
        }
    }

    /// <summary>Runs the iterator once and returns all it printed, as UTF-8 text.</summary>
    public string ReadToEnd()
    {
        using var stream = Open();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Runs the iterator once and yields its output line by line (without the line ends).</summary>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stream = Open();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            yield return line;
    }

    /// <summary>Pins the link on bpffs: the file reads as one run of the iterator, and the link outlives this process until it is removed.</summary>
    public void Pin(string path) => BpfSyscall.ObjPin(Fd, path);

    /// <summary>Replaces the program (of the same iterator kind and target) for runs started from now on.</summary>
    public void Update(BpfProgram program)
    {
        BpfSyscall.LinkUpdate(Fd, program.Fd, _program.Fd);
        _program = program;
    }

    /// <summary>Detaches now, even if the link is pinned elsewhere.</summary>
    public void Detach() => BpfSyscall.LinkDetach(Fd);

    /// <summary>Closes the link's descriptor; streams already opened keep working until disposed.</summary>
    public override void Dispose() => Fd.Dispose();
}
