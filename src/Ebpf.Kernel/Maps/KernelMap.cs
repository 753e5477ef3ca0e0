using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// Base of the kernel-side map types. A map is declared as a <c>[Map] static readonly</c> field initialized with
/// <c>new(maxEntries: N)</c>: the compiler reads type, key, value, max_entries and flags from the field's type and initializer
/// (or from these properties) and writes a BTF-defined map. In managed code the object is the map, with the kernel's semantics
/// (capacity, update flags, errno results), so a program and its tests share its contents.
/// </summary>
public abstract class KernelMap
{
    private protected KernelMap(int maxEntries, MapFlags flags, bool allowZeroEntries = false)
    {
        if (maxEntries < 0 || (maxEntries == 0 && !allowZeroEntries))
            throw new ArgumentOutOfRangeException(nameof(maxEntries), maxEntries, $"A {GetType().Name} needs maxEntries > 0.");
        MaxEntries = maxEntries;
        Flags = flags;
    }

    public abstract MapType Type { get; }
    public int MaxEntries { get; }
    public MapFlags Flags { get; }
    /// <summary>Key size in bytes (0 for maps without keys: ring buffers, queues, stacks, bloom filters).</summary>
    public abstract int KeySize { get; }
    /// <summary>Value size in bytes (0 for ring buffers).</summary>
    public abstract int ValueSize { get; }

    /// <summary>Empties the map (managed only: between tests).</summary>
    [ManagedOnly]
    public abstract void Clear();

    /// <summary>Number of CPUs a managed run simulates: per-CPU maps hold one value per key, for CPU 0.</summary>
    public const int ManagedCpuCount = 1;

    private protected static int SizeOf<T>() where T : unmanaged => Unsafe.SizeOf<T>();
}
