using System.Text;

namespace Ebpf.Object.Btf;

/// <summary>
/// A parsed .BTF blob (an object file's section or a raw file such as /sys/kernel/btf/vmlinux).
/// Parse validates everything in one pass and indexes type offsets; <see cref="BtfType"/> objects and their
/// strings are created only when asked for, then cached. Writing goes from those objects back to bytes.
/// </summary>
public sealed partial class Btf : IDisposable
{
    public const string KernelPath = "/sys/kernel/btf/vmlinux";

    // The bytes and the per-id offsets live in unmanaged memory (see NativeBuffer for why); every member that
    // reads them through a span ends with GC.KeepAlive(this) so the finalizer cannot free them mid-read.
    private readonly NativeBuffer _data;
    private readonly NativeBuffer _offsets; // int per id: position of the type in _data (id >= 1)
    private readonly BtfHeader _header;
    private BtfType?[]? _cache;

    private Btf(NativeBuffer data)
    {
        if (!BitConverter.IsLittleEndian) throw new BtfException("BTF parsing needs a little-endian host.");
        _data = data;
        _header = BtfHeader.Read(data.Span);
        _offsets = new NativeBuffer(checked(BtfIndexer.MaxCount(_header) * sizeof(int)));
        Count = BtfIndexer.Index(data.Span, _header, Offsets);
        GC.KeepAlive(this);
    }

    private ReadOnlySpan<byte> Data => _data.Span;
    private Span<int> Offsets => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(_offsets.Span);

    /// <summary>Parses BTF bytes; the bytes are copied so the caller's buffer may change afterwards.</summary>
    public static Btf Parse(ReadOnlySpan<byte> data)
    {
        var copy = new NativeBuffer(data.Length);
        data.CopyTo(copy.Span);
        return new Btf(copy);
    }

    /// <summary>Reads a raw BTF file (not an ELF object), e.g. /sys/kernel/btf/vmlinux.</summary>
    public static Btf Load(string path)
    {
        NativeBuffer bytes;
        try { bytes = BtfFileReader.Read(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BtfException($"Cannot read BTF file '{path}': {e.Message}", e);
        }
        try { return new Btf(bytes); }
        catch (BtfException e) { throw new BtfException($"{path}: {e.Message}", e); }
    }

    /// <summary>The running kernel's BTF.</summary>
    public static Btf LoadKernel() => Load(KernelPath);

    /// <summary>Number of type ids including void (id 0).</summary>
    public int Count { get; }

    /// <summary>Size of the string table in bytes.</summary>
    public int StringTableLength => _header.StringLength;

    /// <summary>The raw string table (starts and ends with NUL).</summary>
    /// <remarks>Valid while this <see cref="Btf"/> is reachable.</remarks>
    public ReadOnlySpan<byte> StringTable => Data.Slice(_header.StringStart, _header.StringLength);

    public BtfType this[int id]
    {
        get
        {
            if ((uint)id >= (uint)Count)
                throw new BtfException($"BTF type id {id} is out of range: ids go from 0 to {Count - 1}.");
            var cache = _cache ??= new BtfType?[Count];
            var t = cache[id];
            if (t != null) return t;
            t = id == 0 ? new BtfVoid() : BtfTypeDecoder.Decode(this, Data, Offsets[id], id);
            // Racing threads may both decode; either result is equal, so a plain store is enough.
            cache[id] = t;
            return t;
        }
    }

    /// <summary>All types in id order, starting with void (id 0).</summary>
    public IEnumerable<BtfType> Types
    {
        get
        {
            for (int i = 0; i < Count; i++) yield return this[i];
        }
    }

    /// <summary>Kind of a type without creating its object.</summary>
    public BtfKind KindOf(int id)
    {
        if ((uint)id >= (uint)Count) _ = this[id]; // throws the range error
        var kind = id == 0 ? BtfKind.Void : (BtfKind)(Data[Offsets[id] + 7] & 0x1F);
        GC.KeepAlive(this);
        return kind;
    }

    /// <summary>The NUL-terminated string at a string table offset.</summary>
    public string GetString(int offset)
    {
        var table = StringTable;
        if ((uint)offset >= (uint)table.Length)
            throw new BtfException($"BTF string offset {offset} is outside the {table.Length}-byte string table.");
        var s = table[offset..];
        int nul = s.IndexOf((byte)0);
        if (nul < 0) throw new BtfException($"BTF string at offset {offset} has no terminating NUL.");
        string result = nul == 0 ? "" : Encoding.UTF8.GetString(s[..nul]);
        GC.KeepAlive(this);
        return result;
    }

    /// <summary>The first type with this name (and kind, if given), or null.</summary>
    public BtfType? FindByName(string name, BtfKind? kind = null)
    {
        foreach (int id in FindIds(name, kind)) return this[id];
        return null;
    }

    /// <summary>All types with this name (and kind, if given), in id order.</summary>
    public IEnumerable<BtfType> FindAll(string name, BtfKind? kind = null)
    {
        foreach (int id in FindIds(name, kind)) yield return this[id];
    }

    // Compares UTF-8 bytes in place so a lookup over vmlinux creates no objects for the types it passes.
    private IEnumerable<int> FindIds(string name, BtfKind? kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        byte[] want = Encoding.UTF8.GetBytes(name + "\0");
        int strStart = _header.StringStart, strLen = _header.StringLength;
        for (int id = 1; id < Count; id++)
        {
            if (!Matches(id, want, strStart, strLen, kind)) continue;
            yield return id;
        }
    }

    private bool Matches(int id, byte[] want, int strStart, int strLen, BtfKind? kind)
    {
        var data = Data;
        int pos = Offsets[id];
        bool match = true;
        if (kind is { } k && (BtfKind)(data[pos + 7] & 0x1F) != k) match = false;
        int nameOff = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
        if (match && strLen - nameOff < want.Length) match = false;
        match = match && data.Slice(strStart + nameOff, want.Length).SequenceEqual(want);
        GC.KeepAlive(this);
        return match;
    }

    /// <summary>Serializes the type objects back to .BTF bytes (same layout and string table as read).</summary>
    public byte[] ToBytes()
    {
        int typeBytes = _header.TypeLength;
        var bytes = BtfWriter.Write(_header, TypesAfterVoid(), typeBytes, StringTable, BtfWriter.StoredNames.Instance);
        GC.KeepAlive(this);
        return bytes;
    }

    private IEnumerable<BtfType> TypesAfterVoid()
    {
        for (int i = 1; i < Count; i++) yield return this[i];
    }

    /// <summary>
    /// Frees the unmanaged copy of the data now rather than at finalization (vmlinux is 5.5 MB). Types already
    /// materialized stay usable; anything that needs the data afterwards throws ObjectDisposedException.
    /// Not safe to call while another thread uses this instance.
    /// </summary>
    public void Dispose()
    {
        _data.Free();
        _offsets.Free();
    }

    public override string ToString() => $"BTF: {Count} types, {StringTableLength}-byte string table";
}
