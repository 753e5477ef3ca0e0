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

    /// <summary>The map's name: its name in the object, or the one given at creation.</summary>
    public string Name { get; }

    /// <summary>The definition the map was created from, when it came from an object.</summary>
    public MapSpec? Spec { get; }

    /// <summary>The map's descriptor, owned by this object; valid until <see cref="Dispose"/>.</summary>
    public BpfMapFd Fd { get; }

    /// <summary>The kernel map type.</summary>
    public BpfMapType Type => Fd.Type;
    /// <summary>Size of a key, in bytes.</summary>
    public int KeySize => Fd.KeySize;
    /// <summary>Size of a value, in bytes (for per-CPU maps, of one CPU's slot).</summary>
    public int ValueSize => Fd.ValueSize;
    /// <summary>Capacity: the most entries the map holds (for arrays, the number of indexes).</summary>
    public uint MaxEntries => Fd.MaxEntries;
    /// <summary>The flags the map was created with.</summary>
    public BpfMapFlags Flags => Fd.Flags;

    /// <summary>
    /// For a struct_ops map from <c>.struct_ops</c> (no BPF_F_LINK): the value the loader prepared, written by
    /// <c>AsStructOps().Attach()</c>, since writing it registers the operations (as libbpf does at attach, not at load).
    /// </summary>
    internal byte[]? StructOpsValue { get; set; }

    /// <summary>Bytes one lookup copies: <see cref="ValueSize"/>, or one slot per possible CPU for per-CPU maps.</summary>
    public int ElementValueSize => Fd.ElementValueSize;

    /// <summary>Creates a map without any object.</summary>
    /// <param name="type">The kernel map type.</param>
    /// <param name="keySize">Size of a key, in bytes (0 for maps without keys, such as queues and ring buffers).</param>
    /// <param name="valueSize">Size of a value, in bytes.</param>
    /// <param name="maxEntries">Capacity; for ring buffers, the size in bytes (a power of two, a multiple of the page size).</param>
    /// <param name="flags">Creation flags (<c>BPF_F_*</c>).</param>
    /// <param name="name">Name shown by the kernel (at most 15 characters); by default the map type.</param>
    /// <param name="innerMap">For map-in-map types: a map of the shape every inner map must have.</param>
    /// <param name="mapExtra">map_extra: for bloom filters the number of hash functions (low 4 bits; 0 means the kernel's default of 5).</param>
    /// <exception cref="BpfSyscallException">The kernel refused the map (bad sizes, unsupported type or flags, no permission).</exception>
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
    /// <param name="fd">An open map descriptor; the map takes ownership of it.</param>
    public static BpfMap FromFd(BpfMapFd fd, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(fd);
        if (fd.IsInvalid || fd.IsClosed)
            throw new BpfException($"map{(name is null ? "" : $" '{name}'")}: the descriptor is {(fd.IsClosed ? "closed" : "invalid")}; pass an open map descriptor");
        return new BpfMap(name ?? (string.IsNullOrEmpty(fd.Name) ? fd.Type.ToString() : fd.Name), fd, null);
    }

    /// <summary>Copies the value stored under <paramref name="key"/> into <paramref name="value"/>.</summary>
    /// <param name="key">The key, <see cref="KeySize"/> bytes.</param>
    /// <param name="value">Receives the value: <see cref="ElementValueSize"/> bytes.</param>
    /// <returns>False when the key is absent.</returns>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) => BpfSyscall.MapLookupElem(Fd, key, value);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    /// <param name="key">The key, <see cref="KeySize"/> bytes.</param>
    /// <param name="value">The value, <see cref="ElementValueSize"/> bytes.</param>
    /// <param name="flags">Whether the key must be absent (<c>NoExist</c>), present (<c>Exist</c>), or either (<c>Any</c>).</param>
    /// <exception cref="BpfSyscallException">The kernel refused the update (map full, flag condition not met, read-only map).</exception>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any) => BpfSyscall.MapUpdateElem(Fd, key, value, flags);

    /// <summary>Removes the entry under <paramref name="key"/>.</summary>
    /// <returns>False when the key was absent.</returns>
    public bool Delete(ReadOnlySpan<byte> key) => BpfSyscall.MapDeleteElem(Fd, key);

    /// <summary>The key after <paramref name="key"/>, or the first key when <paramref name="key"/> is empty; false at the end.</summary>
    public bool NextKey(ReadOnlySpan<byte> key, Span<byte> next) => BpfSyscall.MapGetNextKey(Fd, key, next);

    /// <summary>Makes the map read-only for user space (programs may still write unless created read-only for them).</summary>
    public void Freeze() => BpfSyscall.MapFreeze(Fd);

    /// <summary>Pins the map at <paramref name="path"/> on bpffs so it outlives this process.</summary>
    public void Pin(string path) => BpfSyscall.ObjPin(Fd, path);

    /// <summary>The kernel's current description of the map (id, name, sizes, flags); each read queries the kernel.</summary>
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

    /// <summary>Closes the descriptor. The map itself lives on while programs or pins still hold it.</summary>
    public void Dispose() => Fd.Dispose();

    /// <summary>The name, type and sizes, for logs.</summary>
    public override string ToString() => $"{Name} ({Type}, key {KeySize}, value {ValueSize}, max {MaxEntries})";
}
