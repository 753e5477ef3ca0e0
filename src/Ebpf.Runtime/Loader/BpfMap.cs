using Ebpf.Native;
using Ebpf.Object.Maps;

namespace Ebpf;

/// <summary>
/// A map in the kernel, with byte-level element operations. Typed views (<c>AsHashMap</c>, <c>AsArray</c>, ...)
/// sit on top. Disposing closes the descriptor; the map lives on while programs or pins still hold it.
/// </summary>
public class BpfMap : IDisposable
{
    internal BpfMap(string name, BpfMapFd fd, MapSpec? spec)
    {
        Name = name; Fd = fd; Spec = spec;
    }

    public string Name { get; }

    /// <summary>The definition the map was created from, when it came from an object.</summary>
    public MapSpec? Spec { get; }

    public BpfMapFd Fd { get; }

    public BpfMapType Type => Fd.Type;
    public int KeySize => Fd.KeySize;
    public int ValueSize => Fd.ValueSize;
    public uint MaxEntries => Fd.MaxEntries;
    public BpfMapFlags Flags => Fd.Flags;

    /// <summary>
    /// For a struct_ops map from <c>.struct_ops</c> (no BPF_F_LINK): the value the loader prepared, written by
    /// <c>AsStructOps().Attach()</c>, since writing it registers the operations (as libbpf does at attach, not at load).
    /// </summary>
    internal byte[]? StructOpsValue { get; set; }

    /// <summary>Bytes one lookup copies: <see cref="ValueSize"/>, or one slot per possible CPU for per-CPU maps.</summary>
    public int ElementValueSize => Fd.ElementValueSize;

    /// <summary>Creates a map without any object.</summary>
    /// <param name="mapExtra">map_extra: for bloom filters the number of hash functions (low 4 bits; 0 means the kernel's default of 5).</param>
    public static BpfMap Create(BpfMapType type, int keySize, int valueSize, uint maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null,
        BpfMap? innerMap = null, ulong mapExtra = 0)
    {
        var request = new MapCreateRequest(type, keySize, valueSize, maxEntries) { Flags = flags, Name = name, InnerMap = innerMap?.Fd, MapExtra = mapExtra };
        return new BpfMap(name ?? type.ToString(), BpfSyscall.MapCreate(request), null);
    }

    /// <summary>Opens a map pinned on bpffs.</summary>
    public static BpfMap OpenPinned(string path) => new(Path.GetFileName(path), BpfSyscall.ObjGetMap(path), null);

    /// <summary>Opens a map by its kernel id (as <c>bpftool map list</c> or <see cref="Info"/> show it); the name is the kernel's.</summary>
    public static BpfMap OpenById(uint id) => FromFd(BpfSyscall.MapGetFdById(id));

    /// <summary>
    /// Wraps a map descriptor this process already holds (from another library, a pin, or <see cref="BpfSyscall.MapGetFdById"/>).
    /// The map takes ownership: disposing it closes <paramref name="fd"/>.
    /// </summary>
    /// <param name="name">The name to know the map by; by default the descriptor's (the kernel's name for descriptors read back from it), else the map type.</param>
    public static BpfMap FromFd(BpfMapFd fd, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(fd);
        if (fd.IsInvalid || fd.IsClosed)
            throw new BpfException($"map{(name is null ? "" : $" '{name}'")}: the descriptor is {(fd.IsClosed ? "closed" : "invalid")}; pass an open map descriptor");
        return new BpfMap(name ?? (string.IsNullOrEmpty(fd.Name) ? fd.Type.ToString() : fd.Name), fd, null);
    }

    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) => BpfSyscall.MapLookupElem(Fd, key, value);

    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any) => BpfSyscall.MapUpdateElem(Fd, key, value, flags);

    public bool Delete(ReadOnlySpan<byte> key) => BpfSyscall.MapDeleteElem(Fd, key);

    /// <summary>The key after <paramref name="key"/>, or the first key when <paramref name="key"/> is empty; false at the end.</summary>
    public bool NextKey(ReadOnlySpan<byte> key, Span<byte> next) => BpfSyscall.MapGetNextKey(Fd, key, next);

    /// <summary>Makes the map read-only for user space (programs may still write unless created read-only for them).</summary>
    public void Freeze() => BpfSyscall.MapFreeze(Fd);

    /// <summary>Pins the map at <paramref name="path"/> on bpffs so it outlives this process.</summary>
    public void Pin(string path) => BpfSyscall.ObjPin(Fd, path);

    public BpfMapInfo Info => BpfSyscall.GetMapInfo(Fd);

    /// <summary>Every key, in the kernel's iteration order.</summary>
    public IEnumerable<byte[]> RawKeys()
    {
        var key = Array.Empty<byte>();
        while (true)
        {
            var next = new byte[KeySize];
            if (!NextKey(key, next))
                yield break;
            yield return next;
            key = next;
        }
    }

    public void Dispose() => Fd.Dispose();

    public override string ToString() => $"{Name} ({Type}, key {KeySize}, value {ValueSize}, max {MaxEntries})";
}
