using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// One run of an iterator as a read-only stream: reading runs the program over the next objects. Not seekable;
/// the end comes when the iterator has visited everything. Disposing closes the run's descriptor.
/// </summary>
public sealed class IteratorStream : Stream
{
    private readonly BpfIterFd _fd;

    internal IteratorStream(BpfIterFd fd) => _fd = fd;

    /// <summary>True until the stream is disposed.</summary>
    public override bool CanRead => !_fd.IsClosed;
    /// <summary>False: an iterator's output cannot seek.</summary>
    public override bool CanSeek => false;
    /// <summary>False: the stream is read-only.</summary>
    public override bool CanWrite => false;

    /// <summary>Runs the iterator over the next objects and copies their output into <paramref name="buffer"/>; 0 at the end.</summary>
    public override int Read(Span<byte> buffer) => _fd.Read(buffer);

    /// <summary>As <see cref="Read(Span{byte})"/>, into <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // The kernel produces the data inside read(2) itself (it runs the program, it never waits for anything),
    // so the asynchronous read completes synchronously rather than occupying a pool thread.
    /// <summary>As <see cref="Read(Span{byte})"/>; completes synchronously, since the kernel produces the data inside the read.</summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    /// <summary>As <see cref="Read(byte[], int, int)"/>; completes synchronously.</summary>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Not supported: the output's length is known only at its end.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Length => throw new NotSupportedException("an iterator's output has no length until it is read to the end");
    /// <summary>Not supported: the stream cannot seek.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <summary>Does nothing: the stream is read-only.</summary>
    public override void Flush() { }
    /// <summary>Not supported: the stream cannot seek.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("an iterator's output cannot seek");
    /// <summary>Not supported: the stream is read-only.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <summary>Not supported: the stream is read-only.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Closes the run's descriptor.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _fd.Dispose();
        base.Dispose(disposing);
    }
}
