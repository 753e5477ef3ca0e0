using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// The values of a BPF_F_MMAPABLE array map mapped into this process (MAP_SHARED): writes through <see cref="Span"/>
/// are seen by programs and by the element syscalls, and the other way round. Unmapped on Dispose or finalization;
/// spans taken from it must not be used after that.
/// </summary>
public sealed unsafe class MemoryMapping : SafeHandle
{
    private readonly nuint _mappedLength;

    private MemoryMapping(nint address, nuint mappedLength, int length, bool writable) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(address);
        _mappedLength = mappedLength;
        Length = length;
        IsWritable = writable;
    }

    /// <summary>Bytes of map data: max_entries values of value_size rounded up to 8.</summary>
    public int Length { get; }

    /// <summary>Whether the mapping may be written (false for frozen or read-only maps).</summary>
    public bool IsWritable { get; }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The map's values; only for a writable mapping.</summary>
    public Span<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            if (!IsWritable) throw new BpfException("This mapping is read-only (the map is frozen or was mapped read-only): use ReadOnlySpan.");
            return new Span<byte>((void*)handle, Length);
        }
    }

    /// <summary>The map's values, read-only; for every mapping.</summary>
    public ReadOnlySpan<byte> ReadOnlySpan
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return new ReadOnlySpan<byte>((void*)handle, Length);
        }
    }

    /// <summary>mmap of an array map created with <see cref="BpfMapFlags.Mmapable"/>. A frozen map can only be mapped read-only.</summary>
    public static MemoryMapping Create(BpfMapFd map, bool writable = true)
    {
        if (map.Type != BpfMapType.Array || (map.Flags & BpfMapFlags.Mmapable) == 0)
            throw new BpfException($"Cannot memory-map {map.Describe()}: only array maps created with BPF_F_MMAPABLE can be mapped.");
        long length = (long)((map.ValueSize + 7) & ~7) * map.MaxEntries;
        if (length == 0 || length > int.MaxValue)
            throw new BpfException($"Cannot memory-map {map.Describe()}: its data is {length} bytes.");
        long page = Environment.SystemPageSize;
        nuint mapped = (nuint)((length + page - 1) / page * page);
        bool added = false;
        map.DangerousAddRef(ref added);
        try
        {
            int prot = LibC.PROT_READ | (writable ? LibC.PROT_WRITE : 0);
            nint address = LibC.Mmap(0, mapped, prot, LibC.MAP_SHARED, (int)map.DangerousGetHandle(), 0);
            if (address == LibC.MapFailed)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new BpfSyscallException(null, "mmap", errno, map.Describe(), map.Name,
                    errno == SyscallErrno.EPERM && writable ? "The map is frozen or read-only for user space: map it read-only." : null);
            }
            return new MemoryMapping(address, mapped, (int)length, writable);
        }
        finally
        {
            if (added) map.DangerousRelease();
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Munmap(handle, _mappedLength) == 0;
}
