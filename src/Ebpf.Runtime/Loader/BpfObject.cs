using Ebpf.Loading;
using Ebpf.Object;

namespace Ebpf;

/// <summary>
/// An object loaded into the kernel: its maps (global data included, under the section's name: ".data",
/// ".rodata", ".bss") and programs. Disposing closes every descriptor; what is attached or pinned stays.
/// </summary>
public sealed class BpfObject : IDisposable
{
    private readonly List<IDisposable> _owned;

    internal BpfObject(BpfObjectFile spec, NamedCollection<BpfProgram> programs, NamedCollection<BpfMap> maps, List<IDisposable> owned, IReadOnlyList<string> warnings)
    {
        Spec = spec; Programs = programs; Maps = maps; _owned = owned; Warnings = warnings;
    }

    /// <summary>The object as read from its file.</summary>
    public BpfObjectFile Spec { get; }

    /// <summary>The loaded programs, by function name.</summary>
    public NamedCollection<BpfProgram> Programs { get; }

    /// <summary>The created (or reused) maps, by name; global-data sections under their section name.</summary>
    public NamedCollection<BpfMap> Maps { get; }

    /// <summary>What the loader worked around (e.g. BTF the kernel refused, so maps were created without it).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Maps a global-data section (".data", ".bss", ".rodata", ".data.custom", ...) into this process.
    /// Dispose the result (or the object) to unmap it.
    /// </summary>
    public BpfGlobalData GlobalData(string section)
    {
        var data = Spec.FindDataSection(section)
            ?? throw new BpfException($"{Spec.Source} has no global-data section '{section}'; it has: {string.Join(", ", Spec.DataSections.Select(d => d.Name))}");
        var global = new BpfGlobalData(data, Maps[section]);
        _owned.Add(global);
        return global;
    }

    /// <summary>Reads the ELF object file at <paramref name="path"/> and loads it: creates its maps, then loads its programs.</summary>
    /// <param name="path">Path of a BPF ELF object (<c>.o</c>).</param>
    /// <param name="options">What to change before loading (map sizes, variables, log level...); null for the defaults.</param>
    /// <exception cref="BpfLoadException">A map or program could not be created; <see cref="BpfProgramRejectedException"/> when the verifier refused a program.</exception>
    public static BpfObject Load(string path, BpfLoadOptions? options = null) => Load(BpfObjectFile.Read(path), options);

    /// <summary>Loads an ELF object held in memory.</summary>
    /// <param name="elf">The bytes of a BPF ELF object.</param>
    /// <param name="options">What to change before loading; null for the defaults.</param>
    /// <exception cref="BpfLoadException">A map or program could not be created; <see cref="BpfProgramRejectedException"/> when the verifier refused a program.</exception>
    public static BpfObject Load(ReadOnlySpan<byte> elf, BpfLoadOptions? options = null) => Load(BpfObjectFile.Read(elf), options);

    /// <summary>Loads an ELF object read from <paramref name="stream"/> (read to its end, not disposed).</summary>
    /// <param name="stream">A stream holding a BPF ELF object.</param>
    /// <param name="options">What to change before loading; null for the defaults.</param>
    /// <exception cref="BpfLoadException">A map or program could not be created; <see cref="BpfProgramRejectedException"/> when the verifier refused a program.</exception>
    public static BpfObject Load(Stream stream, BpfLoadOptions? options = null) => Load(BpfObjectFile.Read(stream), options);

    /// <summary>Loads an object already read (and perhaps inspected) with <see cref="BpfObjectFile.Read(string)"/>.</summary>
    /// <param name="spec">The parsed object.</param>
    /// <param name="options">What to change before loading; null for the defaults.</param>
    /// <exception cref="BpfLoadException">A map or program could not be created; <see cref="BpfProgramRejectedException"/> when the verifier refused a program.</exception>
    public static BpfObject Load(BpfObjectFile spec, BpfLoadOptions? options = null) => new ObjectLoader(spec, options ?? new BpfLoadOptions()).Load();

    /// <summary>
    /// Loads the object the build made for a C# class of programs (see <see cref="EmbeddedObjects"/>). C# forbids static classes
    /// as type arguments: a class used here is a (sealed) non-static class with static members.
    /// </summary>
    public static BpfObject Load<TPrograms>(BpfLoadOptions? options = null) => Load(typeof(TPrograms), options);

    /// <summary>The same for any class, static ones included: <c>BpfObject.Load(typeof(Firewall))</c>.</summary>
    public static BpfObject Load(Type programs, BpfLoadOptions? options = null) => Load(EmbeddedObjects.ObjectOf(programs), options);

    /// <summary>Closes every program, map and global-data mapping of the object; what is attached or pinned stays in the kernel.</summary>
    public void Dispose()
    {
        // Programs first: a program array or map-in-map entry must not outlive what refers to it for long.
        for (var i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _owned.Clear();
    }
}
