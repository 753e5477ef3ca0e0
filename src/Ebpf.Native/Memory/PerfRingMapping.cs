using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// The ring of one perf event: a metadata page (struct perf_event_mmap_page) followed by 2^n data pages, mapped
/// read-write (writing data_tail tells the kernel what was consumed). Perf rings are not double-mapped: a record
/// can wrap the end. Unmapped on Dispose or finalization.
/// </summary>
public sealed unsafe class PerfRingMapping : SafeHandle
{
    // Offsets in struct perf_event_mmap_page (include/uapi/linux/perf_event.h).
    private const int DataHeadOffset = 1024, DataTailOffset = 1032, DataOffsetOffset = 1040, DataSizeOffset = 1048;

    private readonly nuint _length;

    private PerfRingMapping(nint address, nuint length, int dataOffset, int dataSize) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(address);
        _length = length;
        Data = (byte*)address + dataOffset;
        Size = dataSize;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>data_head: where the kernel writes next; read with acquire semantics.</summary>
    public ulong* Head => (ulong*)((byte*)handle + DataHeadOffset);

    /// <summary>data_tail: what user space has consumed; write with release semantics.</summary>
    public ulong* Tail => (ulong*)((byte*)handle + DataTailOffset);

    /// <summary>Start of the data pages.</summary>
    public byte* Data { get; }

    /// <summary>Bytes of data pages (a power of 2).</summary>
    public int Size { get; }

    /// <summary>Maps the ring of <paramref name="perfEvent"/> with <paramref name="dataPages"/> data pages (a power of 2).</summary>
    /// <param name="what">Names the owner in an error ("map 'events'").</param>
    /// <param name="perfEvent">The perf event whose ring to map.</param>
    /// <param name="dataPages">Data pages, a power of 2.</param>
    public static PerfRingMapping Create(PerfEventFd perfEvent, int dataPages, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(perfEvent);
        if (dataPages <= 0 || (dataPages & (dataPages - 1)) != 0)
            throw new BpfException($"Cannot map the perf ring of CPU {perfEvent.Cpu}{(what is null ? "" : " for " + what)}: {dataPages} data pages is not a power of 2; pass 1, 2, 4, 8, ...");
        nuint page = (nuint)Environment.SystemPageSize;
        nuint length = page * (nuint)(dataPages + 1);
        using var lease = new FdLease(perfEvent);
        nint address = LibC.Mmap(0, length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, lease.Fd, 0);
        if (address == LibC.MapFailed)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new BpfSyscallException(null, "mmap", errno, $"the perf ring of CPU {perfEvent.Cpu}{(what is null ? "" : " for " + what)}", null, errno switch
            {
                SyscallErrno.EPERM or SyscallErrno.ENOMEM => $"{dataPages} pages per CPU exceed the locked-memory limit for perf rings (kernel.perf_event_mlock_kb, RLIMIT_MEMLOCK): use fewer pages.",
                _ => null,
            });
        }
        // Kernels before 4.1 leave data_offset and data_size zero: the data then starts one page in.
        ulong offset = *(ulong*)((byte*)address + DataOffsetOffset);
        ulong size = *(ulong*)((byte*)address + DataSizeOffset);
        if (offset == 0) offset = page;
        if (size == 0) size = page * (nuint)dataPages;
        return new PerfRingMapping(address, length, (int)offset, (int)size);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Munmap(handle, _length) == 0;
}
