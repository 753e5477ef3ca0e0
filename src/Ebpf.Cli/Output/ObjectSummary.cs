using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Object.Maps;

namespace Ebpf.Cli.Output;

/// <summary>What <c>ebpf inspect</c> shows, shaped once for both the tables and --json.</summary>
internal sealed record ObjectSummary(
    string Object, string License, uint? KernelVersion,
    IReadOnlyList<ObjectSummary.Program> Programs, IReadOnlyList<ObjectSummary.Program> Subprograms,
    IReadOnlyList<ObjectSummary.Map> Maps, IReadOnlyList<ObjectSummary.Data> GlobalData, ObjectSummary.BtfInfo? Btf,
    IReadOnlyList<ObjectSummary.LogLine> LogLines, string? LogLinesError, IReadOnlyList<ObjectSummary.Extern> Externs)
{
    public sealed record Program(string Name, string Section, string? ProgramType, string? ExpectedAttachType, string? AttachTarget, int Instructions, IReadOnlyList<string> Calls, string? Error);
    public sealed record Map(string Name, string Type, uint KeySize, uint ValueSize, uint MaxEntries, uint Flags, string Style, string? KeyType, string? ValueType, string Notes);
    public sealed record Variable(string Name, long Offset, long Size, string? Type);
    public sealed record Data(string Section, string Kind, long Size, IReadOnlyList<Variable> Variables);
    public sealed record BtfInfo(int Types, IReadOnlyDictionary<string, int> Kinds, int FuncInfos, int LineInfos, int CoreRelocations);
    /// <summary>A Log.X($"...") line of a C# program (the object's .ebpf.logs section). Level is LogLevel's name: "trace" ... "critical".</summary>
    public sealed record LogLine(uint Id, string Program, string Level, string Template, string File, int Line);
    /// <summary>An extern (Kconfig value, ksym, kfunc) and what it resolves to on this machine; Found false for a missing one (a weak one reads 0).</summary>
    public sealed record Extern(string Name, string Kind, bool Weak, string? Type, bool Found, string ResolvesTo);

    public static ObjectSummary From(BpfObjectFile obj)
    {
        var btf = obj.Btf;
        string? TypeName(int? id) => btf is null || id is null ? null : BtfTypeNames.Of(btf, id.Value);

        var programs = obj.Programs.Select(p => new Program(p.Name, p.SectionName,
            p.Definition is { } d ? Names.Snake(d.ProgramType) : null,
            p.Definition?.ExpectedAttachType is { } a ? Names.Snake(a) : null,
            p.Definition?.AttachTarget, p.SlotCount, p.Callees.Select(c => c.Name).ToList(), p.SectionError?.Message)).ToList();
        var subprograms = obj.Subprograms.Select(p => new Program(p.Name, p.SectionName, null, null, null, p.SlotCount,
            p.Callees.Select(c => c.Name).ToList(), null)).ToList();
        var maps = obj.Maps.Select(m => new Map(m.Name, Names.Snake(m.Type), m.KeySize, m.ValueSize, m.MaxEntries, m.Flags,
            Names.Snake(m.Style), TypeName(m.KeyTypeId), TypeName(m.ValueTypeId), Notes(m))).ToList();
        var data = obj.DataSections.Select(d => new Data(d.Name, Names.Snake(d.Kind), d.Size,
            d.Variables.Select(v => new Variable(v.Name, v.Offset, v.Size, TypeName(v.BtfTypeId))).ToList())).ToList();
        BtfInfo? btfInfo = null;
        if (btf is not null)
        {
            var kinds = btf.Types.Skip(1).GroupBy(t => Names.Snake(t.Kind)).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
            var ext = obj.Programs.Concat(obj.Subprograms).ToList();
            btfInfo = new BtfInfo(btf.Count - 1, kinds, ext.Sum(p => p.FuncInfos.Count), ext.Sum(p => p.LineInfos.Count), ext.Sum(p => p.CoreRelocations.Count));
        }
        var (logLines, logError) = ReadLogLines(obj);
        var externs = KernelExterns.Resolve(obj).Select(r => new Extern(r.Extern.Name, Names.Snake(r.Extern.Kind), r.Extern.IsWeak,
            r.Extern.BtfTypeId == 0 ? null : TypeName(r.Extern.BtfTypeId), r.Found, r.Value)).ToList();
        return new ObjectSummary(obj.Source, obj.License, obj.KernelVersion, programs, subprograms, maps, data, btfInfo, logLines, logError, externs);
    }

    /// <summary>What a loader would refuse: sections that name no program kind (or a bare "cgroup_skb"), a damaged log table.</summary>
    public IReadOnlyList<string> Problems() =>
        [.. Programs.Where(p => p.Error is not null).Select(p => $"program '{p.Name}': {p.Error}"), .. LogLinesError is { } e ? [$"log lines: {e}"] : Array.Empty<string>()];

    /// <summary>The object's log lines; a damaged table is shown as a problem of the object, like a bad section, not as a failure to inspect it.</summary>
    private static (IReadOnlyList<LogLine>, string?) ReadLogLines(BpfObjectFile obj)
    {
        try
        {
            return (obj.LogSites.Sites.Select(s => new LogLine(s.Id, s.Program, LevelName(s.Level), s.Template, s.File, s.Line)).ToList(), null);
        }
        catch (InvalidObjectException e)
        {
            return ([], e.Message);
        }
    }

    /// <summary>Microsoft.Extensions.Logging's LogLevel names for 0..5; another number prints as itself.</summary>
    public static string LevelName(int level) => level switch
    {
        0 => "trace", 1 => "debug", 2 => "information", 3 => "warning", 4 => "error", 5 => "critical",
        _ => level.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Notes(MapSpec m)
    {
        var notes = new List<string>();
        if (m.InnerMap is { } inner)
            notes.Add($"inner: {Names.Snake(inner.Type)} key={inner.KeySize} value={inner.ValueSize} max={inner.MaxEntries}");
        if (m.Initializers.Count > 0)
            notes.Add("init: " + string.Join(",", m.Initializers.Select(i => $"[{i.Index}]={i.TargetName}")));
        if (m.Pinning == MapPinType.ByName)
            notes.Add("pinned by name");
        if (m.NumaNode != 0)
            notes.Add($"numa {m.NumaNode}");
        return string.Join("; ", notes);
    }
}
