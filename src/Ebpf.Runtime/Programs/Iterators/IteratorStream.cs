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

    public override bool CanRead => !_fd.IsClosed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;

    public override int Read(Span<byte> buffer) => _fd.Read(buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // The kernel produces the data inside read(2) itself (it runs the program, it never waits for anything),
    // so the asynchronous read completes synchronously rather than occupying a pool thread.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Length => throw new NotSupportedException("an iterator's output has no length until it is read to the end");
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("an iterator's output cannot seek");
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _fd.Dispose();
        base.Dispose(disposing);
    }
}
