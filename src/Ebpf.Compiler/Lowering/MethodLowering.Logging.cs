using System.Reflection;
using System.Reflection.Metadata;
using System.Text;
using Ebpf.Asm;
using Ebpf.Compiler.Ir;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;
using Ebpf.Object.Logs;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Log lines: <c>Log.Information($"blocked {address} port {port}")</c>. C# lowers the interpolated string to a LogMessage
/// local built by its constructor, AppendLiteral and AppendFormatted, then passed to Log.Information. Here the constructor
/// sets the C# `enabled` flag from the minimum level in .rodata (a constant to the verifier, so a disabled line's code is
/// dead and removed at load), the appends write the template at build time and store the values into a frame record, and
/// the Log call sends the record with bpf_ringbuf_output. Only the values travel; the rest is the object's log site table.
/// </summary>
internal sealed partial class MethodLowering
{
    /// <summary>Bytes a span value may take in a record (a command name is 16, a short path fits).</summary>
    private const int MaxLogText = 64;

    /// <summary>A log line being built: its record in the frame and its site.</summary>
    internal sealed class LogRecord(BpfLogLevel level, short frameOffset)
    {
        public BpfLogLevel Level { get; } = level;
        /// <summary>Where the record starts in the frame, which reserved room for the largest values the line may hold.</summary>
        public short FrameOffset { get; } = frameOffset;
        public int Offset { get; set; } = LogSiteTable.HeaderSize;
        /// <summary>The bytes the record takes: its values, rounded up to 8.</summary>
        public int Used => (Offset + 7) / 8 * 8;
        public StringBuilder Template { get; } = new();
        public List<LogValue> Values { get; } = [];
    }

    internal static bool IsLogMessage(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(LogMessage<>);

    /// <summary>Members of Log and LogMessage: each part of a line.</summary>
    private void LogCall(MethodBase callee)
    {
        if (callee is ConstructorInfo ctor)
        {
            // Debug builds call the constructor on the local (ldloca; ...; call .ctor) instead of newobj + stloc.
            var enabled = Pop();
            Pop(); Pop();
            var local = Pop();
            if (local.Kind != OperandKind.LocalAddress) throw Error("EBPF076", "a LogMessage must be a local built by C# from an interpolated string: write Log.Information($\"...\")");
            BeginLog(ctor, local.Local!, enabled);
            return;
        }
        var args = PopArguments(callee);
        if (args[0].Kind != OperandKind.LocalAddress || args[0].Local!.Log is not { } record)
            throw Error("EBPF076", $"{callee.Name} needs the LogMessage C# builds from an interpolated string: write Log.Information($\"...\")");
        switch (callee.Name)
        {
            case nameof(LogMessage<LogLevels.Trace>.AppendLiteral):
                if (args[1].Kind != OperandKind.String) throw Error("EBPF076", "a log line's literal text must be a constant");
                record.Template.Append(LogTemplate.Literal(args[1].Text!));
                return;
            case nameof(LogMessage<LogLevels.Trace>.AppendFormatted):
                AppendLogValue(record, callee.IsGenericMethod ? callee.GetGenericArguments()[0] : callee.GetParameters()[0].ParameterType, args[1],
                    args[2].Kind == OperandKind.String ? args[2].Text : null, args[3].Text ?? "");
                return;
            default:
                EndLog(record, line: args[1].IsConstant ? (int)args[1].Value : 0, file: args[2].Text ?? "", member: args[3].Text ?? "");
                return;
        }
    }

    /// <summary>newobj LogMessage(literalLength, formattedCount, out enabled), then stloc: the local becomes a frame record.</summary>
    private void NewLogMessage(ConstructorInfo ctor)
    {
        var enabled = Pop();
        Pop(); Pop();
        var index = -1;
        if (_index + 1 < _il.Count)
        {
            var next = _il[_index + 1];
            index = next.OpCode switch
            {
                >= ILOpCode.Stloc_0 and <= ILOpCode.Stloc_3 => next.OpCode - ILOpCode.Stloc_0,
                ILOpCode.Stloc_s or ILOpCode.Stloc => next.Int,
                _ => -1,
            };
        }
        if (index < 0) throw Error("EBPF076", "a LogMessage must be a local built by C# from an interpolated string: write Log.Information($\"...\")");
        _index++; // the stloc is done
        BeginLog(ctor, Local(index), enabled);
    }

    private void BeginLog(ConstructorInfo ctor, LocalSlot local, Operand enabled)
    {
        if (_owner.Logs is null) throw Error("EBPF076", "log lines need an object to carry their templates: compile the program's class, not one function alone");
        var level = (BpfLogLevel)ctor.DeclaringType!.GetGenericArguments()[0].GetProperty(nameof(ILogLevel.Level))!.GetValue(null)!;
        local.Log = new LogRecord(level, _b.AllocateFrame(RecordLayoutSize()));
        StoreThrough(enabled, typeof(bool), LevelEnabled(level));
    }

    /// <summary>Bytes the record may take: the header, then each value of the line naturally aligned (the verifier wants aligned stack stores).</summary>
    private int RecordLayoutSize()
    {
        var offset = LogSiteTable.HeaderSize;
        for (var i = _index + 1; i < _il.Count; i++)
        {
            if (_il[i].OpCode is not (ILOpCode.Call or ILOpCode.Callvirt)) continue;
            var callee = _owner.ResolveMethod(_method, _il[i].Token);
            if (callee.DeclaringType == typeof(Log)) return offset;
            if (IsLogMessage(callee.DeclaringType!) && callee.Name == nameof(LogMessage<LogLevels.Trace>.AppendFormatted))
            {
                // A span's length is known only when its value is lowered: room for the most a record takes.
                var size = callee.IsGenericMethod ? Layout.SizeOf(callee.GetGenericArguments()[0]) : MaxLogText;
                offset = callee.IsGenericMethod ? (offset + size - 1) / size * size + size : offset + size;
            }
        }
        throw Error("EBPF076", "a LogMessage is built but never passed to Log.Trace/Debug/Information/Warning/Error/Critical");
    }

    /// <summary>minimum level &lt;= this line's level, the minimum read from .rodata, which the verifier knows after load.</summary>
    private Operand LevelEnabled(BpfLogLevel level)
    {
        var minimum = _b.NewVreg();
        _b.Emit(new MachineInstr(Instruction.LoadImm64(0, 0), minimum) { GlobalVariable = LogSiteTable.LevelVariable });
        var value = _b.Load(typeof(uint), minimum, 0);
        return MakeCompare(JumpOp.Jle, value, ConstantInt((int)level));
    }

    private void AppendLogValue(LogRecord record, Type type, Operand value, string? format, string expression)
    {
        var name = LogTemplate.ValueName(expression, record.Values.Count, record.Values.Select(v => v.Name).ToList());
        if (IsSpan(type))
        {
            AppendLogText(record, type, value, format, name);
            return;
        }
        var kind = LogValueKindOf(type) ?? throw Error("EBPF076", $"a log value of type {type.Name} cannot be sent; log integers, bool, char and enums (log a struct's fields one by one)");
        var size = Layout.SizeOf(type);
        record.Offset = (record.Offset + size - 1) / size * size;
        record.Template.Append(LogTemplate.Hole(name, format));
        StoreThrough(Operand.Frame((short)(record.FrameOffset + record.Offset), type), type, value);
        record.Values.Add(new LogValue
        {
            Name = name, Kind = kind, Offset = record.Offset, Size = size, Format = format, Type = type.Name,
            Signed = type.IsEnum && Layout.IsSigned(Enum.GetUnderlyingType(type)),
            Flags = type.IsEnum && type.IsDefined(typeof(FlagsAttribute)),
            Members = type.IsEnum ? EnumMembers(type) : null,
        });
        record.Offset += size;
    }

    /// <summary>A byte span (stackalloc of a constant size): its bytes copied into the record, shown as UTF-8 text.</summary>
    private void AppendLogText(LogRecord record, Type type, Operand span, string? format, string name)
    {
        var (pointer, size) = SpanArguments(span, type).ToArray() switch { [var p, var s] => (p, (int)s.Value), _ => throw new InvalidOperationException() };
        if (size > MaxLogText)
            throw Error("EBPF076", $"a log line sends at most {MaxLogText} bytes of a span, and '{name}' has {size}; log a smaller span");
        record.Template.Append(LogTemplate.Hole(name, format));
        _b.Copy(Vreg.Frame, (short)(record.FrameOffset + record.Offset), pointer.Reg, 0, size);
        record.Values.Add(new LogValue { Name = name, Kind = LogValueKind.Text, Offset = record.Offset, Size = size, Format = format, Type = "Text" });
        record.Offset += size;
    }

    private static LogValueKind? LogValueKindOf(Type type) =>
        type.IsEnum ? LogValueKind.Enum
        : type == typeof(bool) ? LogValueKind.Boolean
        : type == typeof(char) ? LogValueKind.Char
        : type.IsPrimitive && type != typeof(float) && type != typeof(double) ? (Layout.IsSigned(type) ? LogValueKind.Signed : LogValueKind.Unsigned)
        : null;

    private static List<KeyValuePair<long, string>> EnumMembers(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => new KeyValuePair<long, string>(f.GetRawConstantValue() is ulong u ? (long)u : System.Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture), f.Name))
            .ToList();

    /// <summary>Log.X(ref message): when enabled, the header (site id), zeros in the gaps, bpf_ringbuf_output of the record, and a count of refused lines.</summary>
    private void EndLog(LogRecord record, int line, string file, string member)
    {
        var logs = _owner.Logs!;
        var id = (uint)(logs.Sites.Count + _owner.LogSites.Count);
        _owner.LogSites.Add(new LogSite
        {
            Id = id, Program = _owner.Name, Level = (int)record.Level, Template = record.Template.ToString(), Values = record.Values,
            Size = record.Used, File = file, Line = line, Member = member,
        });
        var skip = _b.Function.CreateBlock("log.skip");
        var enabled = LevelEnabled(record.Level);
        _b.JumpIf(JumpOps.Invert(enabled.Condition), enabled.ConditionWide, _b.Materialize(enabled.Left!), enabled.Right!, skip);
        _b.Store(4, Vreg.Frame, record.FrameOffset, ConstantInt(id));
        var covered = new bool[record.Used];
        for (var i = 0; i < 8; i++) covered[i] = i < 4;
        foreach (var v in record.Values)
            for (var i = 0; i < v.Size; i++) covered[v.Offset + i] = true;
        for (var i = 0; i < record.Used; i++)
        {
            if (covered[i]) continue;
            var end = i;
            while (end < record.Used && !covered[end]) end++;
            _b.Zero(Vreg.Frame, (short)(record.FrameOffset + i), end - i); // the verifier refuses reading stack bytes never written
            i = end;
        }
        EmitHelperCall(KernelHelpers.RingBufferOutput, [Operand.OfMap(logs.Map), Operand.Frame(record.FrameOffset, typeof(byte)), ConstantInt(record.Used), ConstantInt(0)]);
        // A full buffer refuses the line: count it, so user space can say lines were lost rather than lose them silently.
        var result = CallResult(typeof(long));
        _b.JumpIf(JumpOp.Jeq, true, result.Reg, Operand.Constant(0, true), skip);
        var lost = _b.NewVreg();
        _b.Emit(new MachineInstr(Instruction.LoadImm64(0, 0), lost) { GlobalVariable = LogSiteTable.LostVariable });
        var one = _b.NewVreg();
        _b.LoadConstant(one, 1, wide: true);
        _b.Emit(Instruction.Atomic(MemorySize.DW, AtomicOp.Add, 0, 0, 0), lost, one);
        _b.StartBlock(skip);
    }
}
