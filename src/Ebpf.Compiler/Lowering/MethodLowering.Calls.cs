using System.Reflection;
using System.Reflection.Metadata;
using Ebpf.Asm;
using Ebpf.Compiler.Ir;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Lowering;

/// <summary>Calls: the kernel-side library's helpers and intrinsics, a few BCL members, and the user's own methods (inlined).</summary>
internal sealed partial class MethodLowering
{
    private static readonly Assembly KernelAssembly = typeof(BpfContext).Assembly;

    private void Call(MethodBase callee, bool virtualCall)
    {
        if (KfuncCall(callee))
            return;
        var type = callee.DeclaringType;
        if (type?.Assembly == KernelAssembly)
        {
            if (Marked<IntrinsicAttribute>(callee) is { } intrinsic)
                Intrinsic(intrinsic.Kind, callee);
            else if (Marked<HelperAttribute>(callee) is { } helper)
                HelperCall(callee, helper.Id);
            else if (type.IsSubclassOf(typeof(BpfContext)) && Metadata.KernelLibrary.ContextField(type, callee.Name) is { } field)
                ContextAccess(field.Property, field.Field, callee.Name.StartsWith("set_", StringComparison.Ordinal));
            else if (type.IsValueType && !callee.IsStatic && callee.Name.StartsWith("get_", StringComparison.Ordinal))
            {
                var value = Inline(callee, PopArguments(callee)); // a library struct's property (IPv6Address.W0): plain IL
                if (value is not null) Push(value);
            }
            else
                throw Error("EBPF021", $"{type.Name}.{callee.Name} is managed-only and has no BPF form; the kernel-side library marks what programs may call with [Helper] or [Intrinsic]");
            return;
        }
        if (type == typeof(string))
            throw Error("EBPF005", "strings are not supported in BPF programs; use fixed-size byte buffers");
        if (Bcl(callee) || KernelProperty(callee))
            return;
        if (type is not null && type.Assembly != _method.DeclaringType!.Assembly)
            throw Error("EBPF021", $"the call to {type.Name}.{callee.Name} is not available in BPF programs; only the kernel-side library, a few BCL members (Unsafe.IsNullRef, Interlocked, BinaryPrimitives.ReverseEndianness, Math.Min/Max) and your own methods are");
        if (virtualCall && callee.IsVirtual && !callee.IsFinal && !(type?.IsSealed ?? false))
            throw Error("EBPF006", $"virtual and interface calls are not supported in BPF programs; {callee.Name} is virtual: call a static method");
        var result = Inline(callee, PopArguments(callee));
        if (result is not null) Push(result);
    }

    /// <summary>The attribute on a method, or on the property a getter or setter belongs to (<c>[Intrinsic] int Length =&gt; ...</c>).</summary>
    internal static T? Marked<T>(MethodBase method) where T : Attribute =>
        method.GetCustomAttribute<T>() ?? method.DeclaringType?.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
            .FirstOrDefault(p => p.GetMethod == method || p.SetMethod == method)?.GetCustomAttribute<T>();

    private Operand? Inline(MethodBase callee, Operand[] args)
    {
        if (_owner.OnCallChain(callee))
            throw Error("EBPF043", $"{callee.Name} calls itself (through {string.Join(" -> ", _owner.CallChain.Select(m => m.Name).Append(callee.Name))}); BPF has no recursion: rewrite it as a bounded loop");
        _owner.CallChain.Push(callee);
        var frame = _b.FrameMark;
        try
        {
            var saved = _b.Location;
            var result = new MethodLowering(_owner, callee, args, _depth + 1, InLoop).Lower();
            _b.Location = saved;
            return result;
        }
        finally
        {
            _owner.CallChain.Pop();
            _b.ReleaseFrame(frame);
        }
    }

    private Operand[] PopArguments(MethodBase callee)
    {
        var count = callee.GetParameters().Length + (callee.IsStatic ? 0 : 1);
        var args = new Operand[count];
        for (var i = count - 1; i >= 0; i--) args[i] = Pop();
        return args;
    }

    /// <summary>The result of a call (in r0) as a fresh register of the method's return type.</summary>
    private Operand CallResult(Type returnType)
    {
        var v = _b.NewVreg();
        if (returnType.IsByRef || returnType.IsPointer)
        {
            _b.Emit(Instruction.Mov64(0, (Register)0), v, 0);
            return Operand.InRegister(v, returnType.GetElementType()!, true, temporary: true, PointerKind.MapValue);
        }
        if (Layout.IsWide(returnType))
        {
            _b.Emit(Instruction.Mov64(0, (Register)0), v, 0);
            return Operand.InRegister(v, returnType, true, temporary: true);
        }
        _b.Emit(Instruction.Mov32(0, (Register)0), v, 0);
        return Operand.InRegister(v, returnType == typeof(bool) ? typeof(int) : returnType, false, temporary: true);
    }

    /// <summary>Moves prepared arguments into r1-r5 (after all preparation, so nothing else writes those registers) and calls.</summary>
    private void EmitHelperCall(int id, IReadOnlyList<Operand> arguments)
    {
        if (arguments.Count > MaxArguments)
            throw Error("EBPF011", $"helper {id} takes more than {MaxArguments} arguments");
        if (_owner.ProgramType is { } type && !Diagnostics.HelperAvailability.AllowsInSection(type, _owner.Section, id))
            throw Error("EBPF074", $"helper {HelperName(id)} (#{id}) is not available to {Diagnostics.HelperAvailability.KindName(type, _owner.Section)} programs: the kernel refuses the program; use another program type, or another way to the same information");
        if (!KernelHelpers.PacketSafe.Contains(id)) _owner.PacketPointersInvalidated = true;
        // Conditions become plain registers first: materialising them later could clobber r1-r5.
        var ready = arguments.Select(a => a.Kind == OperandKind.Condition ? Operand.InRegister(_b.SetCondition(a), typeof(bool), false, true) : a).ToList();
        for (var i = 0; i < ready.Count; i++)
            _b.MoveInto(i + 1, ready[i]);
        _b.Emit(new MachineInstr(Instruction.CallHelper(id)) { CallArguments = ready.Count });
    }

    /// <summary>
    /// An argument a helper reads through a pointer (a key, a value): a frame address as is; a value kept in a register
    /// is first stored to a frame slot (helpers read memory, and the verifier wants it initialized).
    /// </summary>
    private Operand PointerArgument(Operand value, Type pointee, bool output = false)
    {
        switch (value.Kind)
        {
            case OperandKind.FrameAddress:
                return value;
            case OperandKind.Register when value.Pointer != PointerKind.None:
                return value;
            case OperandKind.LocalAddress when value.Local!.PacketView && !output:
                return LoadSlot(value.Local);
            case OperandKind.LocalAddress when value.Local.InFrame:
                return Operand.Frame(value.Local.FrameOffset, pointee); // already in memory: no copy (a 288-byte event twice would not fit the stack)
            case OperandKind.LocalAddress when !output:
            {
                var slot = _b.AllocateFrame(Layout.SizeOf(pointee));
                _b.Store(Layout.SizeOf(pointee), Vreg.Frame, slot, LoadSlot(value.Local!));
                return Operand.Frame(slot, pointee);
            }
            case OperandKind.LocalAddress:
                throw Unforeseen(value.Local!);
            default:
                throw Error("EBPF067", $"a helper needs the address of a {pointee.Name} here, and {value} is not one");
        }
    }

    /// <summary>A method marked [Helper(id)]: its receiver (map or context) and arguments in r1-r5.</summary>
    private void HelperCall(MethodBase callee, int id)
    {
        var args = PopArguments(callee);
        if (id == KernelHelpers.TracePrintk)
        {
            Printk(callee, args);
            return;
        }
        if (TracingHelper(callee, id, args))
            return;
        if (ReorderedHelper(callee, id, args) is { } reordered)
        {
            EmitHelperCall(id, reordered);
            var type = callee is MethodInfo info ? info.ReturnType : typeof(void);
            if (type != typeof(void)) Push(CallResult(type));
            return;
        }
        var parameters = callee.GetParameters();
        var prepared = new List<Operand>();
        var offset = callee.IsStatic ? 0 : 1;
        if (!callee.IsStatic)
        {
            var receiver = args[0];
            if (receiver.Kind != OperandKind.Map && receiver.Pointer != PointerKind.Context)
                throw Error("EBPF031", $"{callee.DeclaringType!.Name}.{callee.Name} needs a [Map] field or the program's context as its receiver");
            prepared.Add(receiver);
        }
        for (var i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            var value = args[i + offset];
            if (type.IsByRef)
            {
                prepared.Add(PointerArgument(value, type.GetElementType()!, output: parameters[i].IsOut));
                // bpf_ringbuf_output(map, data, size, flags): the size of `in T data` follows it.
                if (id == KernelHelpers.RingBufferOutput) prepared.Add(Operand.Constant(Layout.SizeOf(type.GetElementType()!), true));
            }
            else if (i == 0 && args[0].Kind == OperandKind.Map && (id == KernelHelpers.MapLookupElem || id == KernelHelpers.MapUpdateElem || id == KernelHelpers.MapDeleteElem || id == KernelHelpers.MapLookupPercpuElem))
                prepared.Add(SpillToFrame(value, type)); // an array map's index: the helper reads the key through a pointer
            else if (IsSpan(type))
                prepared.AddRange(SpanArguments(value, type)); // a buffer: pointer, then size
            else
                prepared.Add(value);
        }
        EmitHelperCall(id, prepared);
        var returnType = callee is MethodInfo m ? m.ReturnType : typeof(void);
        if (returnType == typeof(void)) return;
        var result = CallResult(returnType);
        // Helpers answer 0 for success: a bool-returning wrapper (Remove, TryPop, MightContain) is true when r0 == 0.
        Push(returnType == typeof(bool) ? MakeCompare(JumpOp.Jeq, result, ConstantInt(0)) : result);
    }

    /// <summary>
    /// Helpers whose C argument order is not the C# method's (receiver first, then the parameters): the arguments as the
    /// kernel wants them, or null for the rest.
    /// </summary>
    private Operand[]? ReorderedHelper(MethodBase callee, int id, Operand[] args)
    {
        Type DataType() => callee.GetGenericArguments()[0];
        // perf_event_output(ctx, map, flags, data, size); C#: map.Output(context, in data, flags)
        if (id == KernelHelpers.PerfEventOutput)
            return [args[1], args[0], args[3], PointerArgument(args[2], DataType()), Operand.Constant(Layout.SizeOf(DataType()), true)];
        // ringbuf_reserve(map, size, flags); C#: map.Reserve<T>()
        if (id == KernelHelpers.RingBufferReserve)
            return [args[0], Operand.Constant(Layout.SizeOf(DataType()), true), Operand.Constant(0, true)];
        // ringbuf_submit/discard(data, flags): the map is not an argument
        if (id == KernelHelpers.RingBufferSubmit || id == KernelHelpers.RingBufferDiscard)
            return [PointerArgument(args[1], DataType()), args[2]];
        return null;
    }

    /// <summary>The helper's name as the kernel-side library declares it (bpf_ + the name), for messages.</summary>
    private static string HelperName(int id) => KernelHelpers.NameOf(id);

    /// <summary>
    /// bpf_trace_printk(fmt, size, a, b, c): the format literal goes to .rodata, each argument widened to 64 bits
    /// (sign-extended for signed types), as the managed Bpf.Printk formats them.
    /// </summary>
    private void Printk(MethodBase callee, Operand[] args)
    {
        if (args[0].Kind != OperandKind.String)
            throw Error("EBPF071", "Bpf.Printk needs a string literal as its format; the compiler puts it in .rodata");
        var text = args[0].Text!;
        var size = System.Text.Encoding.UTF8.GetByteCount(text) + 1;
        var prepared = new List<Operand>();
        var types = callee.IsGenericMethod ? callee.GetGenericArguments() : [];
        for (var i = 1; i < args.Length; i++)
        {
            var value = args[i].Kind == OperandKind.Condition ? Operand.InRegister(_b.SetCondition(args[i]), typeof(bool), false, true) : args[i];
            if (!value.Wide && Layout.IsSigned(types[i - 1]))
                value = value.IsConstant ? Widen(value) : Operand.InRegister(SignExtended(value), typeof(long), true, true);
            prepared.Add(value);
        }
        var format = _b.NewVreg();
        _b.Emit(new MachineInstr(Instruction.LoadImm64(0, 0), format) { ConstantData = System.Text.Encoding.UTF8.GetBytes(text + "\0") });
        EmitHelperCall(KernelHelpers.TracePrintk, [Operand.InRegister(format, typeof(byte), true, false, PointerKind.MapValue), ConstantInt(size), .. prepared]);
        Push(CallResult(typeof(int)));
    }

    /// <summary>A context property: a load or store at its constant offset (the verifier's rule), with its conversion.</summary>
    private void ContextAccess(PropertyInfo property, ContextFieldAttribute field, bool write)
    {
        if (write)
        {
            var value = Pop();
            var context = Pop();
            if (!field.Writable || field.Conversion != ContextFieldConversion.None)
                throw Error("EBPF024", $"{property.DeclaringType!.Name}.{property.Name} cannot be written by programs");
            _b.Store(field.Size, _b.Materialize(context), (short)field.Offset, value);
            return;
        }
        var ctx = Pop();
        if (ctx.Pointer != PointerKind.Context)
            throw Error("EBPF020", $"{property.DeclaringType!.Name}.{property.Name} is read from something that is not the program's context");
        var ctxReg = _b.Materialize(ctx);
        if (field.Size == 16)
        {
            // IPv6 addresses: four 4-byte loads, the only access the verifier allows, into a frame temporary.
            var slot = _b.AllocateFrame(16);
            for (var i = 0; i < 4; i++)
            {
                var word = _b.NewVreg();
                _b.Emit(Instruction.LoadMem(MemorySize.W, 0, 0, (short)(field.Offset + 4 * i)), word, ctxReg);
                _b.Emit(Instruction.StoreMem(MemorySize.W, 0, (short)(slot + 4 * i), 0), Vreg.Frame, word);
            }
            Push(Operand.Frame(slot, property.PropertyType));
            return;
        }
        var reg = _b.NewVreg();
        _b.Emit(Instruction.LoadMem(FunctionBuilder.SizeOf(field.Size), 0, 0, (short)field.Offset), reg, ctxReg);
        var resultType = property.PropertyType;
        switch (field.Conversion)
        {
            case ContextFieldConversion.None:
                break;
            case ContextFieldConversion.NetworkOrder16:
                _b.Emit(new Ir.MachineInstr(Instruction.ToBigEndian(0, 16), reg) { SwapsSixteenBits = true });
                break;
            case ContextFieldConversion.NetworkOrder16High:
                _b.Emit(Instruction.ToBigEndian(0, 32), reg);
                _b.Emit(Instruction.Alu32(AluOp.And, 0, 0xffff), reg);
                break;
            case ContextFieldConversion.Low16:
                _b.Emit(Instruction.Alu32(AluOp.And, 0, 0xffff), reg);
                break;
            case ContextFieldConversion.High16:
                _b.Emit(Instruction.Alu32(AluOp.Rsh, 0, 16), reg);
                break;
            case ContextFieldConversion.Boolean:
            {
                var flag = _b.SetCondition(Operand.Compare(JumpOp.Jne, true, Operand.InRegister(reg, typeof(uint), false, true), ConstantInt(0)));
                Push(Operand.InRegister(flag, typeof(bool), false, true));
                return;
            }
            case ContextFieldConversion.AddressFamily:
                if (ComparedWithConstantNext())
                {
                    Push(Operand.Family(reg));
                    return;
                }
                ConvertFamily(reg);
                break;
        }
        if (field.Size == 8 && !Layout.IsWide(resultType))
            _b.Emit(Instruction.Mov32(0, (Register)0), reg, reg);
        Push(Operand.InRegister(reg, resultType.IsEnum ? Enum.GetUnderlyingType(resultType) : resultType, Layout.IsWide(resultType), temporary: true));
    }

    /// <summary>Whether the value just read is only compared with a constant (ldc; beq/bne/ceq): then the constant is mapped instead of the value.</summary>
    private bool ComparedWithConstantNext()
    {
        if (_index + 2 >= _il.Count) return false;
        var next = _il[_index + 1].OpCode;
        var after = _il[_index + 2].OpCode;
        var value = next switch
        {
            >= ILOpCode.Ldc_i4_m1 and <= ILOpCode.Ldc_i4_8 => (int)next - (int)ILOpCode.Ldc_i4_0,
            ILOpCode.Ldc_i4_s or ILOpCode.Ldc_i4 => _il[_index + 1].Int,
            _ => -1,
        };
        return KernelFamilyOf(value) >= 0 && after is ILOpCode.Beq or ILOpCode.Beq_s or ILOpCode.Bne_un or ILOpCode.Bne_un_s or ILOpCode.Ceq;
    }

    /// <summary>Linux AF_* to .NET AddressFamily, as Net.ToAddressFamily maps it: 10 → 23, 0-2 as is, anything else -1.</summary>
    private void ConvertFamily(int reg)
    {
        var six = _b.Function.CreateBlock("family.v6");
        var done = _b.Function.CreateBlock("family.done");
        _b.JumpIf(JumpOp.Jeq, true, reg, ConstantInt(10), six);
        _b.JumpIf(JumpOp.Jle, true, reg, ConstantInt(2), done);
        _b.LoadConstant(reg, -1, wide: false);
        _b.Goto(done);
        _b.StartBlock(six, fallThrough: false);
        _b.LoadConstant(reg, 23, wide: false);
        _b.StartBlock(done);
    }

    internal static long KernelFamilyOf(long dotnet) => dotnet switch { 23 => 10, 0 or 1 or 2 => dotnet, _ => -1 };
}
