using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Native;
using Ebpf.Object.Data;

namespace Ebpf;

/// <summary>
/// A global-data section of a loaded object (.data, .bss, .rodata, ...) mapped into this process:
/// reads and writes go straight to the memory programs use, without a syscall.
/// .rodata is frozen after load, so its mapping is read-only.
/// </summary>
public sealed class BpfGlobalData : IDisposable
{
    private readonly MemoryMapping _mapping;

    internal BpfGlobalData(DataSection section, BpfMap map)
    {
        Section = section;
        _mapping = MemoryMapping.Create(map.Fd, writable: section.Kind is not (DataSectionKind.ReadOnly or DataSectionKind.Kconfig));
    }

    /// <summary>The section's definition: name, kind and variables with their offsets and sizes.</summary>
    public DataSection Section { get; }

    /// <summary>The whole section; writable except for read-only sections.</summary>
    public Span<byte> Bytes => _mapping.IsWritable ? _mapping.Span : throw new BpfException($"{Section.Name} is read-only after load; set its variables through BpfLoadOptions.SetVariable before loading");

    /// <summary>The whole section, read-only; works for every section.</summary>
    public ReadOnlySpan<byte> ReadOnlyBytes => _mapping.ReadOnlySpan;

    /// <summary>Reads global variable <paramref name="variable"/> as a <typeparamref name="T"/>.</summary>
    /// <exception cref="BpfException">The section has no such variable, or its size is not that of <typeparamref name="T"/>.</exception>
    public T Get<T>(string variable) where T : unmanaged => MemoryMarshal.Read<T>(Slice<T>(variable, _mapping.ReadOnlySpan));

    /// <summary>Writes global variable <paramref name="variable"/>; programs see the new value on their next read.</summary>
    /// <exception cref="BpfException">The section is read-only, has no such variable, or its size is not that of <typeparamref name="T"/>.</exception>
    public void Set<T>(string variable, T value) where T : unmanaged
    {
        var bytes = Bytes; // throws for read-only sections
        MemoryMarshal.Write(Slice<T>(variable, bytes), in value);
    }

    private Span<byte> Slice<T>(string variable, Span<byte> bytes) where T : unmanaged => bytes.Slice(Locate<T>(variable), Unsafe.SizeOf<T>());

    private ReadOnlySpan<byte> Slice<T>(string variable, ReadOnlySpan<byte> bytes) where T : unmanaged => bytes.Slice(Locate<T>(variable), Unsafe.SizeOf<T>());

    private int Locate<T>(string variable) where T : unmanaged
    {
        var v = Section.FindVariable(variable)
            ?? throw new BpfException($"{Section.Name} has no variable '{variable}'; it has: {string.Join(", ", Section.Variables.Select(x => x.Name))}");
        // The size in memory, as the compiler lays T out (bool 1 byte, char 2), not the marshalled one (bool 4, char 1).
        var size = Unsafe.SizeOf<T>();
        if (size != v.Size)
            throw new BpfException($"variable '{variable}' in {Section.Name} is {v.Size} bytes, but {typeof(T).Name} is {size} bytes");
        return (int)v.Offset;
    }

    /// <summary>Unmaps the section; the map behind it stays with its object.</summary>
    public void Dispose() => _mapping.Dispose();
}
