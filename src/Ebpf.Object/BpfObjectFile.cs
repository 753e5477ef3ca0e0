using BtfSpec = Ebpf.Object.Btf.Btf;
using Ebpf.Object.Btf;
using Ebpf.Object.Data;
using Ebpf.Object.Elf;
using Ebpf.Object.Maps;
using Ebpf.Object.Programs;

namespace Ebpf.Object;

/// <summary>
/// A BPF ELF object read into memory: programs and subprograms, maps, global data, license,
/// relocations, BTF and BTF.ext. Reading never calls the kernel. Malformed input raises
/// <see cref="InvalidObjectException"/> (or another <see cref="BpfException"/>) naming what is wrong.
/// </summary>
public sealed class BpfObjectFile
{
    internal BpfObjectFile(ElfFile elf) { Elf = elf; }

    public ElfFile Elf { get; }

    /// <summary>Where the object came from: its path, or a description of the bytes.</summary>
    public string Source => Elf.Source;

    /// <summary>Contents of the <c>license</c> section; empty when the object has none.</summary>
    public string License { get; internal set; } = "";

    /// <summary>Contents of the <c>version</c> section, when present.</summary>
    public uint? KernelVersion { get; internal set; }

    public BtfSpec? Btf { get; internal set; }
    public Btf.BtfExt? BtfExt { get; internal set; }

    /// <summary>Entry programs: functions in program sections, in section then offset order.</summary>
    public IReadOnlyList<ProgramSpec> Programs { get; internal set; } = [];

    /// <summary>Functions in .text, reached through BPF-to-BPF calls.</summary>
    public IReadOnlyList<ProgramSpec> Subprograms { get; internal set; } = [];

    public IReadOnlyList<MapSpec> Maps { get; internal set; } = [];

    public IReadOnlyList<DataSection> DataSections { get; internal set; } = [];

    /// <summary>The Kconfig externs (<c>extern ... __kconfig</c>), laid out as libbpf does, when the object has any; no ELF section holds them.</summary>
    public DataSection? Kconfig { get; internal set; }

    /// <summary>
    /// Every extern the object's code refers to (Kconfig values, kernel symbols, kfuncs; undefined symbols of other
    /// objects as <see cref="Externs.ExternKind.Unresolved"/>), as libbpf collects them.
    /// </summary>
    public IReadOnlyList<Externs.ExternSpec> Externs { get; internal set; } = [];

    public ProgramSpec? FindProgram(string name) => Programs.FirstOrDefault(p => p.Name == name) ?? Subprograms.FirstOrDefault(p => p.Name == name);

    public MapSpec? FindMap(string name) => Maps.FirstOrDefault(m => m.Name == name);

    public DataSection? FindDataSection(string name) => DataSections.FirstOrDefault(d => d.Name == name);

    private Logs.LogSiteTable? _logSites;

    /// <summary>The log lines of the object's programs (its .ebpf.logs section), empty when it has none.</summary>
    public Logs.LogSiteTable LogSites => _logSites ??= Elf.FindSection(Logs.LogSiteTable.SectionName) is { } section
        ? Logs.LogSiteTable.Parse(section.Data.Span, Source)
        : new Logs.LogSiteTable([]);

    public static BpfObjectFile Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidObjectException($"{path}: cannot read the object file: {e.Message}", e);
        }
        return Read(new ReadOnlyMemory<byte>(bytes), path);
    }

    public static BpfObjectFile Read(ReadOnlySpan<byte> bytes, string source = "<memory>") => Read(new ReadOnlyMemory<byte>(bytes.ToArray()), source);

    /// <summary>Reads the object from <paramref name="bytes"/>, which must not change afterwards.</summary>
    public static BpfObjectFile Read(ReadOnlyMemory<byte> bytes, string source = "<memory>") => ObjectReader.Read(ElfFile.Parse(bytes, source));

    public static BpfObjectFile Read(Stream stream, string source = "<stream>")
    {
        var copy = new MemoryStream();
        try
        {
            stream.CopyTo(copy);
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException)
        {
            throw new InvalidObjectException($"{source}: cannot read the object: {e.Message}", e);
        }
        return Read(copy.GetBuffer().AsMemory(0, (int)copy.Length), source);
    }
}
