using System.Reflection;
using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// What every method lowered into one BPF function shares: the builder, the program's maps, the assembly's PDB for
/// source lines, which locals must live in the frame, and the chain of inlined calls (to refuse recursion).
/// </summary>
internal sealed class FunctionLowering
{
    private readonly AssemblyInput _input;
    private readonly IReadOnlyDictionary<string, MapInfo> _maps;
    private readonly HashSet<(MethodBase, int)> _escaped;
    private readonly bool _directPacketAccess;

    public FunctionLowering(AssemblyInput input, string name, IReadOnlyDictionary<string, MapInfo> maps, HashSet<(MethodBase, int)> escaped, bool directPacketAccess, bool packetViews)
    {
        _packetViews = packetViews;
        _input = input;
        _maps = maps;
        _escaped = escaped;
        _directPacketAccess = directPacketAccess;
        Name = name;
        Builder = new FunctionBuilder(name, (code, message) => new CompilerException(Builder!.Location, code, message));
    }

    /// <summary>The function's (program's) name.</summary>
    public string Name { get; }

    /// <summary>Where log lines go, shared by the object's programs; null compiles a function alone, with no log map.</summary>
    public LogLines? Logs { get; init; }

    /// <summary>The log sites this lowering wrote; they join <see cref="Logs"/> when the function is done.</summary>
    public List<Ebpf.Object.Logs.LogSite> LogSites { get; } = [];

    public FunctionBuilder Builder { get; }

    /// <summary>Build-time lengths of the spans whose structs sit at these frame offsets (-1: not one known length).</summary>
    public Dictionary<short, int> SpanLengths { get; } = [];

    /// <summary>
    /// The length last written to each span slot and the block it was written in. Within one block IL order is execution
    /// order, so that write is the one a read there sees, even when the slot held another length elsewhere (a Debug
    /// build's IL reuses one temporary for every <c>stackalloc</c> span of a method before copying it to its local).
    /// </summary>
    public Dictionary<short, (Ir.Block Block, int Length)> SpanLastWrite { get; } = [];

    /// <summary>The program type being compiled (from its section), for the helpers it may call; null for a plain function.</summary>
    public Ebpf.BpfProgramType? ProgramType { get; init; }

    /// <summary>The program's section (tracing kinds read their arguments and sleepability from it); null for a plain function.</summary>
    public string? Section { get; init; }

    /// <summary>The register holding the program's context pointer, for helpers that take it (see MethodLowering.Tracing).</summary>
    public int? ContextRegister { get; set; }
    public Stack<MethodBase> CallChain { get; } = new();

    public bool OnCallChain(MethodBase method) => CallChain.Contains(method);

    public bool Escapes(MethodBase method, int index) => _escaped.Contains((method, index));

    /// <summary>Locals are keyed by method and index (arguments by ~index), as <see cref="EscapeAnalysis"/> names them.</summary>
    private readonly Dictionary<LocalSlot, (MethodBase, int)> _slotKeys = [];
    public void Register(LocalSlot slot, MethodBase method, int index) => _slotKeys[slot] = (method, index);

    /// <summary>Whether struct locals filled by TryLoad may point into the packet (off after a helper that changes packet data).</summary>
    public bool PacketViews => _directPacketAccess && _packetViews;
    private readonly bool _packetViews;

    /// <summary>Set when the function calls a helper after which the verifier forgets packet pointers.</summary>
    public bool PacketPointersInvalidated { get; set; }

    public bool UsedPacketViews => _slotKeys.Keys.Any(s => s.PacketView) || _packetPointers is not null;

    /// <summary>Where the program's own code starts (after its arguments are bound), and its context register.</summary>
    public (Ir.Block Block, int Index, int Context)? Entry { get; set; }

    private (int Data, int End)? _packetPointers;

    /// <summary>
    /// data and data_end of the program's context, loaded once at entry (as clang keeps them) when packet pointers stay
    /// valid for the whole function; null otherwise, and each access loads its own.
    /// </summary>
    public (int Data, int End)? PacketPointers(int context, PacketContexts.Bounds bounds)
    {
        if (!PacketViews || Entry is not { } entry || entry.Context != context) return null;
        if (_packetPointers is { } known) return known;
        var data = Builder.NewVreg();
        var end = Builder.NewVreg();
        entry.Block.Code.InsertRange(entry.Index,
        [
            new Ir.MachineInstr(Asm.Instruction.LoadMem(bounds.Size, 0, 0, bounds.Data), data, context) { Location = entry.Block.Code.ElementAtOrDefault(entry.Index)?.Location },
            new Ir.MachineInstr(Asm.Instruction.LoadMem(bounds.Size, 0, 0, bounds.End), end, context) { Location = entry.Block.Code.ElementAtOrDefault(entry.Index)?.Location },
        ]);
        _packetPointers = (data, end);
        return _packetPointers;
    }

    public bool DirectPacketAccess(Type context) => _directPacketAccess && PacketContexts.Of(context) is not null;

    public CompilerException Error(MethodBase method, int ilOffset, string code, string message)
    {
        var location = method.Module.Assembly.Location == _input.Path ? _input.LocationOf(Handle(method), ilOffset) : null;
        return new CompilerException(location ?? Builder.Location, code, $"{message} (in {method.DeclaringType?.Name}.{method.Name})");
    }

    private static System.Reflection.Metadata.MethodDefinitionHandle Handle(MethodBase method) =>
        System.Reflection.Metadata.Ecma335.MetadataTokens.MethodDefinitionHandle(method.MetadataToken & 0xffffff);

    /// <summary>Source lines by IL offset, for methods of the compiled assembly.</summary>
    public Dictionary<int, SourceLocation> Lines(MethodBase method)
    {
        if (method.Module.Assembly.Location != _input.Path) return [];
        var lines = new Dictionary<int, SourceLocation>();
        foreach (var (offset, location) in _input.SequencePoints(Handle(method)))
            lines[offset] = location;
        return lines;
    }

    private static (Type[]? TypeArgs, Type[]? MethodArgs) Generics(MethodBase method) =>
        (method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null, method.IsGenericMethod ? method.GetGenericArguments() : null);

    public MethodBase ResolveMethod(MethodBase context, int token)
    {
        var (t, m) = Generics(context);
        try { return context.Module.ResolveMethod(token, t, m) ?? throw new ArgumentException("no method"); }
        catch (Exception e) when (e is ArgumentException or TypeLoadException or MissingMemberException)
        {
            throw Error(context, 0, "EBPF021", $"a called method (token 0x{token:x8}) cannot be resolved: {e.Message}");
        }
    }

    public FieldInfo ResolveField(MethodBase context, int token)
    {
        var (t, m) = Generics(context);
        return context.Module.ResolveField(token, t, m) ?? throw Error(context, 0, "EBPF030", $"field 0x{token:x8} cannot be resolved");
    }

    public Type ResolveType(MethodBase context, int token)
    {
        var (t, m) = Generics(context);
        return context.Module.ResolveType(token, t, m);
    }

    public string String(MethodBase context, int token) => context.Module.ResolveString(token);

    /// <summary>ldsfld: a [Map] field, or a static readonly scalar folded to its value.</summary>
    public Operand StaticField(MethodBase context, int token, MethodLowering site)
    {
        var field = ResolveField(context, token);
        if (field.GetCustomAttribute<MapAttribute>() is not null && _maps.TryGetValue(field.Name, out var map) && field.DeclaringType == _mapsOwner)
            return Operand.OfMap(map);
        if (field.GetCustomAttribute<MapAttribute>() is not null)
            throw site.Error("EBPF030", $"[Map] field {field.DeclaringType?.Name}.{field.Name} belongs to another class; a program uses the maps of its own class");
        if (field.IsInitOnly && Layout.IsScalar(field.FieldType) && !field.FieldType.IsPointer && !GlobalVariables.IsLoadTimeConstant(field))
        {
            var value = field.GetValue(null);
            var raw = value is Enum ? System.Convert.ChangeType(value, Enum.GetUnderlyingType(field.FieldType)) : value;
            long constant = raw switch { bool b => b ? 1 : 0, char c => c, ulong u => (long)u, null => 0, _ => System.Convert.ToInt64(raw) };
            return Operand.Constant(constant, Layout.IsWide(field.FieldType));
        }
        if (IsGlobal(field))
            return site.LoadGlobal(field);
        throw site.Error("EBPF030", $"static field '{field.Name}' is neither a [Map], a static readonly integer, nor a static field of the program's class (a global variable); BPF programs read static data through those");
    }

    public bool IsGlobal(FieldInfo field) => GlobalVariables.IsGlobal(field, _mapsOwner);

    private Type? _mapsOwner;
    public void MapsOf(Type owner) => _mapsOwner = owner;
}
