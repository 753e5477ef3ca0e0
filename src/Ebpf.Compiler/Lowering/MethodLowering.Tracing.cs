using System.Reflection;
using Ebpf.Asm;
using Ebpf.Compiler.Ir;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Tracing programs: the typed arguments of raw_tracepoint, tp_btf, fentry/fexit/fmod_ret and LSM programs (each a u64
/// slot of the context array, in order; fexit's return value follows the arguments), the helpers whose first kernel
/// argument is the context, reads into an <c>out</c> value (the size follows the pointer), bpf_snprintf and
/// bpf_seq_printf (the format in .rodata, the values in a stack array of u64), and the build-time refusals: a
/// sleepable-only helper in a program that cannot sleep, a [UserMemory] address read as kernel memory.
/// </summary>
internal sealed partial class MethodLowering
{
    /// <summary>Most arguments a traced function passes (MAX_BPF_FUNC_ARGS), plus fexit's return value.</summary>
    private const int MaxTracedArguments = 13;

    /// <summary>Helpers whose first argument is a buffer the C# method takes by reference (`out T value`): its address and size go first.</summary>
    private static readonly HashSet<int> BufferFirst =
    [
        KernelHelpers.GetCurrentComm, KernelHelpers.ProbeReadUser, KernelHelpers.ProbeReadKernel, KernelHelpers.ProbeReadUserString,
        KernelHelpers.ProbeReadKernelString, KernelHelpers.CopyFromUser,
    ];

    /// <summary>Program kinds whose context is the array of the traced function's (or tracepoint's) arguments.</summary>
    internal static bool TakesTypedArguments(string? section) =>
        section is not null && (section.StartsWith("raw_tracepoint", StringComparison.Ordinal) || section.StartsWith("raw_tp", StringComparison.Ordinal)
            || section.StartsWith("tp_btf", StringComparison.Ordinal) || section.StartsWith("fentry", StringComparison.Ordinal)
            || section.StartsWith("fexit", StringComparison.Ordinal) || section.StartsWith("fmod_ret", StringComparison.Ordinal)
            || section.StartsWith("lsm", StringComparison.Ordinal));

    private static bool Sleepable(string? section) =>
        section is not null && (section == "syscall" || section.Split('/')[0].EndsWith(".s", StringComparison.Ordinal));

    /// <summary>The program's arguments from the context array: parameter i is the u64 at ctx + 8*i, narrowed to its C# type.</summary>
    private void BindTypedArguments()
    {
        var context = _b.NewVreg();
        _b.Emit(Instruction.Mov64(0, (Register)0), context, 1);
        _owner.ContextRegister = context;
        for (var i = 0; i < _args.Length; i++)
        {
            var slot = _args[i];
            if (!Layout.IsScalar(slot.Type))
                throw Error("EBPF012", $"parameter '{slot.Name}' has type {slot.Type.Name}; a traced function's arguments are integers, enums, bool or pointers (one 64-bit slot each)");
            var value = _b.NewVreg();
            _b.Emit(Instruction.LoadMem(MemorySize.DW, 0, 0, (short)(8 * i)), value, context);
            if (slot.InFrame)
            {
                _b.Emit(Instruction.StoreMem(MemorySize.DW, 0, slot.FrameOffset, 0), Vreg.Frame, value);
                continue;
            }
            if (Layout.IsWide(slot.Type))
                _b.Emit(Instruction.Mov64(0, (Register)0), slot.Reg, value);
            else
            {
                _b.Emit(Instruction.Mov32(0, (Register)0), slot.Reg, value);
                if (Layout.SizeOf(slot.Type) < 4) Normalize(slot.Reg, slot.Type);
            }
        }
    }

    /// <summary>Tracing helpers whose arguments are not the C# parameters in order; false for the others.</summary>
    private bool TracingHelper(MethodBase callee, int id, Operand[] args)
    {
        if (KernelHelpers.SleepableOnly.Contains(id) && !Sleepable(_owner.Section))
            throw Error("EBPF077", $"{HelperName(id)} may sleep, and only sleepable programs may call it; add Sleepable = true to the program's attribute (section '{_owner.Section}.s'), or use Bpf.ProbeReadUser, which does not sleep");
        if ((id == KernelHelpers.ProbeReadKernel || id == KernelHelpers.ProbeReadKernelString) && ReadsUserMemoryField() is { } field)
            throw Error("EBPF078", $"{field.DeclaringType!.Name}.{field.Name} is an address in user memory ([UserMemory]) and is read here as kernel memory, which fails with -EFAULT; use {(id == KernelHelpers.ProbeReadKernel ? "Bpf.ProbeReadUser" : "Bpf.ProbeReadUserString")}");
        var parameters = callee.GetParameters();
        List<Operand>? prepared = null;
        if (id == KernelHelpers.Snprintf || id == KernelHelpers.SeqPrintf)
            prepared = FormattedHelper(callee, id, args);
        else if (parameters is [{ ParameterType.IsByRef: true } first, ..] && BufferFirst.Contains(id))
        {
            var type = first.ParameterType.GetElementType()!;
            prepared = [PointerArgument(args[0], type, output: first.IsOut), Operand.Constant(Layout.SizeOf(type), true), .. args.Skip(1)];
        }
        if (callee.GetCustomAttribute<ContextArgumentAttribute>() is not null)
        {
            prepared ??= PreparedArguments(callee, args);
            prepared.Insert(0, ProgramContext(callee));
        }
        if (prepared is null) return false;
        EmitHelperCall(id, prepared);
        var returnType = callee is MethodInfo m ? m.ReturnType : typeof(void);
        if (returnType != typeof(void)) Push(CallResult(returnType));
        return true;
    }

    /// <summary>The receiver (a map) and the parameters, spans as (pointer, size): the ordinary order.</summary>
    private List<Operand> PreparedArguments(MethodBase callee, Operand[] args)
    {
        var prepared = new List<Operand>();
        var offset = callee.IsStatic ? 0 : 1;
        if (!callee.IsStatic)
        {
            if (args[0].Kind != OperandKind.Map)
                throw Error("EBPF031", $"{callee.DeclaringType!.Name}.{callee.Name} needs a [Map] field as its receiver");
            prepared.Add(args[0]);
        }
        var parameters = callee.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (IsSpan(parameters[i].ParameterType)) prepared.AddRange(SpanArguments(args[i + offset], parameters[i].ParameterType));
            else prepared.Add(args[i + offset]);
        }
        return prepared;
    }

    /// <summary>The program's context pointer, for a helper that takes it first.</summary>
    private Operand ProgramContext(MethodBase callee) =>
        _owner.ContextRegister is { } context
            ? Operand.InRegister(context, typeof(byte), true, temporary: false, PointerKind.Context)
            : throw Error("EBPF079", $"{callee.DeclaringType!.Name}.{callee.Name} passes the program's context to the kernel, and this program does not take it; declare the context parameter (a pointer or the context class)");

    /// <summary>
    /// bpf_snprintf(buffer, size, fmt, data, len) and bpf_seq_printf(seq, fmt, fmt_size, data, len): the format literal in
    /// .rodata, each value widened to 64 bits (sign-extended when signed) in a stack array, as the managed side formats them.
    /// </summary>
    private List<Operand> FormattedHelper(MethodBase callee, int id, Operand[] args)
    {
        const int formatAt = 1; // after the buffer or the seq_file
        if (args[formatAt].Kind != OperandKind.String)
            throw Error("EBPF071", $"Bpf.{callee.Name} needs a string literal as its format; the compiler puts it in .rodata");
        var text = System.Text.Encoding.UTF8.GetBytes(args[formatAt].Text! + "\0");
        var types = callee.IsGenericMethod ? callee.GetGenericArguments() : [];
        var values = args.Skip(formatAt + 1).ToArray();
        Operand data = Operand.Constant(0, true);
        if (values.Length > 0)
        {
            var slot = _b.AllocateFrame(8 * values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                var value = values[i].Kind == OperandKind.Condition ? Operand.InRegister(_b.SetCondition(values[i]), typeof(bool), false, true) : values[i];
                if (!value.Wide)
                    value = value.IsConstant ? Operand.Constant(Layout.IsSigned(types[i]) ? (int)value.Value : (uint)value.Value, true)
                        : Layout.IsSigned(types[i]) ? Operand.InRegister(SignExtended(value), typeof(long), true, true) : value;
                _b.Store(8, Vreg.Frame, (short)(slot + 8 * i), value);
            }
            data = Operand.Frame(slot, typeof(ulong));
        }
        var format = _b.NewVreg();
        _b.Emit(new MachineInstr(Instruction.LoadImm64(0, 0), format) { ConstantData = text });
        var formatPointer = Operand.InRegister(format, typeof(byte), true, false, PointerKind.MapValue);
        var length = Operand.Constant(8 * values.Length, true);
        return id == KernelHelpers.Snprintf
            ? [.. SpanArguments(args[0], callee.GetParameters()[0].ParameterType), formatPointer, data, length]
            : [args[0], formatPointer, Operand.Constant(text.Length, true), data, length];
    }

    /// <summary>The [UserMemory] field whose value is the last argument of the call being lowered (ldfld just before it), if any.</summary>
    private FieldInfo? ReadsUserMemoryField()
    {
        if (_index == 0 || _il[_index - 1].OpCode != System.Reflection.Metadata.ILOpCode.Ldfld) return null;
        var field = _owner.ResolveField(_method, _il[_index - 1].Token);
        return field.GetCustomAttribute<UserMemoryAttribute>() is not null ? field : null;
    }

    /// <summary>
    /// fmod_ret and LSM programs return 0 (go on) or a negative errno (-4095..-1), which the verifier checks (LSM) or the
    /// traced function returns to its caller (fmod_ret): a constant outside is a build error where it is returned.
    /// </summary>
    private void CheckErrnoReturn(Operand? value)
    {
        var section = _owner.Section;
        if (value is not { IsConstant: true } || section is null || !(section.StartsWith("lsm", StringComparison.Ordinal) || section.StartsWith("fmod_ret", StringComparison.Ordinal)))
            return;
        var returned = (int)value.Value;
        if (returned is > 0 or < -4095)
            throw Error("EBPF080", $"{section.Split('/')[0]} programs return 0 or a negative errno (-4095..-1), not {returned}; return 0 to allow, -Errno.EPERM (or another errno) to refuse");
    }

    /// <summary>Unsafe.AsPointer(ref x): the address itself (a record's accessor turns <c>ref this</c> into a pointer to add an offset to).</summary>
    private bool AsPointer(MethodBase callee)
    {
        if (callee.DeclaringType != typeof(System.Runtime.CompilerServices.Unsafe) || callee.Name != "AsPointer") return false;
        var reference = Pop();
        if (reference.Kind == OperandKind.LocalAddress)
            throw Unforeseen(reference.Local!);
        Push(reference);
        return true;
    }
}
