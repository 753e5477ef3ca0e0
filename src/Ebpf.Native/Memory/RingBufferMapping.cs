using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// A BPF_MAP_TYPE_RINGBUF mapped the way its consumer needs it: the consumer position page read-write at offset 0,
/// and from offset page_size the producer position page followed by the data area, read-only. The data area is
/// mapped twice back to back (the kernel does that when 2 * size is mapped after the producer page), so a record
/// that wraps the end is still contiguous in memory. Both mappings are removed on Dispose or finalization.
/// </summary>
public sealed unsafe class RingBufferMapping : SafeHandle
{
    private readonly nint _producerPage;
    private readonly nuint _pageSize;

    private RingBufferMapping(nint consumerPage, nint producerPage, nuint pageSize, int size) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(consumerPage);
        _producerPage = producerPage;
        _pageSize = pageSize;
        Size = size;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Bytes of the data area (the map's max_entries, a power of 2).</summary>
    public int Size { get; }

    /// <summary>The consumer position (ulong), which user space advances with release semantics.</summary>
    public ulong* ConsumerPosition => (ulong*)handle;

    /// <summary>The producer position (ulong), which the kernel advances; read it with acquire semantics.</summary>
    public ulong* ProducerPosition => (ulong*)_producerPage;

    /// <summary>Start of the data area; valid for 2 * <see cref="Size"/> bytes (the second copy is the same memory).</summary>
    public byte* Data => (byte*)_producerPage + _pageSize;

    /// <summary>Maps <paramref name="map"/>, which must be a ring buffer map.</summary>
    public static RingBufferMapping Create(BpfMapFd map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != BpfMapType.Ringbuf)
            throw new BpfException($"Cannot map {map.Describe()} as a ring buffer: it is a {map.Type} map, not a Ringbuf map.");
        nuint page = (nuint)Environment.SystemPageSize;
        nuint size = map.MaxEntries;
        if (size == 0 || (size & (size - 1)) != 0 || size % page != 0 || size > int.MaxValue / 2)
            throw new BpfException($"Cannot map {map.Describe()} as a ring buffer: its size {size} is not a power of 2 multiple of the page size {page}.");
        using var lease = new FdLease(map);
        nint consumer = LibC.Mmap(0, page, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, lease.Fd, 0);
        if (consumer == LibC.MapFailed) throw Failed(map, Marshal.GetLastPInvokeError(), "the consumer page");
        nint producer = LibC.Mmap(0, page + 2 * size, LibC.PROT_READ, LibC.MAP_SHARED, lease.Fd, (long)page);
        if (producer == LibC.MapFailed)
        {
            int errno = Marshal.GetLastPInvokeError();
            LibC.Munmap(consumer, page);
            throw Failed(map, errno, "the producer page and data area");
        }
        return new RingBufferMapping(consumer, producer, page, (int)size);
    }

    private static BpfSyscallException Failed(BpfMapFd map, int errno, string part) =>
        new(null, "mmap", errno, $"{part} of ring buffer {map.Describe()}", map.Name, errno switch
        {
            SyscallErrno.ENOMEM => "The process is out of address space or the map is too large to map.",
            SyscallErrno.EPERM or SyscallErrno.EACCES => "The map descriptor was opened without write access (BPF_F_RDONLY): the consumer page must be writable.",
            SyscallErrno.EINVAL or SyscallErrno.ENODEV => "This kernel cannot map ring buffer maps (Linux 5.8 or later is needed).",
            _ => null,
        });

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        bool ok = LibC.Munmap(_producerPage, _pageSize + 2 * (nuint)Size) == 0;
        return LibC.Munmap(handle, _pageSize) == 0 && ok;
    }
}
