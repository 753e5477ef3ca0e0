using System.Buffers.Binary;
using System.Reflection;
using System.Runtime.CompilerServices;
using Ebpf.Asm;
using Ebpf.Compiler.Ir;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Lowering;

/// <summary>Members the compiler lowers to fixed sequences: packet access, map conveniences, byte order, division, constants.</summary>
internal sealed partial class MethodLowering
{
    private const int MaxPacketOffset = 0xffff;

    private void Intrinsic(IntrinsicKind kind, MethodBase callee)
    {
        switch (kind)
        {
            case IntrinsicKind.PacketLoad: PacketLoad(callee); return;
            case IntrinsicKind.Log: LogCall(callee); return;
            case IntrinsicKind.Core: CoreQuestion(callee); return;
            case IntrinsicKind.MapContainsKey:
            {
                var args = PopArguments(callee);
                var found = Lookup(args[0], args[1], callee.GetParameters()[0].ParameterType);
                Push(MakeCompare(JumpOp.Jne, found, Operand.Constant(0, true)));
                return;
            }
            case IntrinsicKind.MapTryGetValue: TryGetValue(callee); return;
            case IntrinsicKind.MapAtomicAdd: AtomicAdd(callee); return;
            case IntrinsicKind.PacketLength: PacketLength(); return;
            case IntrinsicKind.PacketStore: PacketStore(callee); return;
            case IntrinsicKind.ByteSwap:
            {
                var value = Pop();
                var bits = Layout.SizeOf(((MethodInfo)callee).ReturnType) * 8;
                Push(ByteSwap(value, bits));
                return;
            }
            case IntrinsicKind.Division:
            {
                var signed = Layout.IsSigned(callee.GetParameters()[0].ParameterType);
                BpfDivision(callee.Name == "Div" ? AluOp.Div : AluOp.Mod, signed);
                return;
            }
            case IntrinsicKind.Constant:
            {
                var args = PopArguments(callee);
                if (args.Any(a => a.Kind is not (OperandKind.Constant or OperandKind.String)))
                    throw Error("EBPF069", $"{callee.Name} is evaluated at compile time; pass it literals");
                var parameters = callee.GetParameters();
                object?[] values = args.Select((a, i) => a.Kind == OperandKind.String ? a.Text : System.Convert.ChangeType(a.Value, parameters[i].ParameterType)).ToArray();
                object? result;
                try { result = callee.Invoke(null, values); }
                catch (TargetInvocationException e) { throw Error("EBPF069", $"{callee.Name}: {e.InnerException?.Message}"); }
                var type = ((MethodInfo)callee).ReturnType;
                if (!Layout.IsScalar(type))
                    throw Error("EBPF069", $"{callee.Name} gives a {type.Name}, which is not a constant the compiler can fold");
                Push(Operand.Constant(System.Convert.ToInt64(result is Enum ? System.Convert.ChangeType(result, Enum.GetUnderlyingType(type)) : result is ulong u ? (long)u : result), Layout.IsWide(type)));
                return;
            }
            case IntrinsicKind.TailCall:
            {
                var args = PopArguments(callee); // map, context, index, fallback
                EmitHelperCall(KernelHelpers.TailCall, [args[1], args[0], args[2]]);
                Push(args[3]);
                return;
            }
            default:
                throw Error("EBPF021", $"{callee.DeclaringType!.Name}.{callee.Name} ({kind}) is not lowered by the compiler yet");
        }
    }

    private Operand ByteSwap(Operand value, int bits)
    {
        if (value.IsConstant)
        {
            long v = bits switch
            {
                16 => BinaryPrimitives.ReverseEndianness((ushort)value.Value),
                32 => BinaryPrimitives.ReverseEndianness((uint)value.Value),
                _ => (long)BinaryPrimitives.ReverseEndianness((ulong)value.Value),
            };
            return Operand.Constant(v, bits == 64);
        }
        var dst = _b.Writable(value);
        _b.Emit(new MachineInstr(Instruction.ToBigEndian(0, bits), dst) { SwapsSixteenBits = bits == 16 }); // be16/be32 also clear the bits above
        return Operand.InRegister(dst, bits == 64 ? typeof(ulong) : bits == 32 ? typeof(uint) : typeof(ushort), bits == 64, temporary: true);
    }

    /// <summary>map_lookup_elem: a map value pointer or null, in a fresh register.</summary>
    private Operand Lookup(Operand map, Operand key, Type keyParameter)
    {
        var keyType = keyParameter.IsByRef ? keyParameter.GetElementType()! : keyParameter;
        var keyAddress = keyParameter.IsByRef ? PointerArgument(key, keyType) : SpillToFrame(key, keyType);
        EmitHelperCall(KernelHelpers.MapLookupElem, [map, keyAddress]);
        var value = _b.NewVreg();
        _b.Emit(Instruction.Mov64(0, (Register)0), value, 0);
        return Operand.InRegister(value, typeof(byte), true, temporary: false, PointerKind.MapValue);
    }

    /// <summary>A scalar passed by value where a helper wants its address (an array map's index): stored to the frame.</summary>
    private Operand SpillToFrame(Operand value, Type type)
    {
        var slot = _b.AllocateFrame(Layout.SizeOf(type));
        _b.Store(Layout.SizeOf(type), Vreg.Frame, slot, value);
        return Operand.Frame(slot, type);
    }

    /// <summary>TryGetValue(key, out value): a lookup, then the value copied out (or zeroed) and whether it was found.</summary>
    private void TryGetValue(MethodBase callee)
    {
        var args = PopArguments(callee);
        var valueType = callee.GetParameters()[1].ParameterType.GetElementType()!;
        var found = Lookup(args[0], args[1], callee.GetParameters()[0].ParameterType);
        var output = args[2];
        var result = _b.NewVreg();
        var miss = _b.Function.CreateBlock("tryget.miss");
        var done = _b.Function.CreateBlock("tryget.done");
        _b.JumpIf(JumpOp.Jeq, true, found.Reg, Operand.Constant(0, true), miss);
        StoreThrough(output, valueType, LoadFrom(found.Displaced(0, valueType), valueType));
        _b.LoadConstant(result, 1, wide: false);
        _b.Goto(done);
        _b.StartBlock(miss, fallThrough: false);
        StoreThrough(output, valueType, null);
        _b.LoadConstant(result, 0, wide: false);
        _b.StartBlock(done);
        Push(Operand.InRegister(result, typeof(int), false, temporary: true));
    }

    /// <summary>
    /// Counter add: lookup, then an atomic add on the value (a plain add on per-CPU maps). A hash map inserts the delta
    /// when the key is missing (BPF_NOEXIST), as the managed implementation does. Gives whether anything was counted.
    /// </summary>
    private void AtomicAdd(MethodBase callee)
    {
        var args = PopArguments(callee); // map, key or index, delta
        var map = args[0].Map ?? throw Error("EBPF031", "Add needs a [Map] field as its map");
        var parameters = callee.GetParameters();
        var keyParameter = parameters[1].ParameterType;
        var valueType = parameters[2].ParameterType;
        var keyType = keyParameter.IsByRef ? keyParameter.GetElementType()! : keyParameter;
        var keyAddress = keyParameter.IsByRef ? PointerArgument(args[1], keyType) : SpillToFrame(args[1], keyType);
        var delta = args[2];
        if (delta.Kind == OperandKind.Condition) delta = Operand.InRegister(_b.SetCondition(delta), typeof(int), false, true);
        if (!delta.IsConstant) delta = Operand.InRegister(_b.Materialize(delta), delta.Type, delta.Wide, false);
        EmitHelperCall(KernelHelpers.MapLookupElem, [args[0], keyAddress]);
        var value = _b.NewVreg();
        _b.Emit(Instruction.Mov64(0, (Register)0), value, 0);
        var result = _b.NewVreg();
        var miss = _b.Function.CreateBlock("add.miss");
        var done = _b.Function.CreateBlock("add.done");
        _b.JumpIf(JumpOp.Jeq, true, value, Operand.Constant(0, true), miss);
        var size = FunctionBuilder.SizeOf(Layout.SizeOf(valueType));
        var perCpu = map.Type is MapType.PerCpuArray or MapType.PerCpuHash or MapType.LruPerCpuHash;
        if (perCpu)
        {
            var current = _b.NewVreg();
            _b.Emit(Instruction.LoadMem(size, 0, 0, 0), current, value);
            Apply(AluOp.Add, current, delta, Layout.IsWide(valueType), false);
            _b.Emit(Instruction.StoreMem(size, 0, 0, 0), value, current);
        }
        else
            _b.Emit(Instruction.Atomic(size, AtomicOp.Add, 0, 0, 0), value, _b.Materialize(Layout.IsWide(valueType) ? Widen(delta) : delta));
        _b.LoadConstant(result, 1, wide: false);
        _b.Goto(done);
        _b.StartBlock(miss, fallThrough: false);
        if (map.Type is MapType.Array or MapType.PerCpuArray)
            _b.LoadConstant(result, 0, wide: false); // an index past the end
        else
        {
            var initial = SpillToFrame(Layout.IsWide(valueType) ? Widen(delta) : delta, valueType);
            EmitHelperCall(KernelHelpers.MapUpdateElem, [args[0], keyAddress, initial, Operand.Constant(1, true)]); // BPF_NOEXIST
            _b.Emit(new MachineInstr(Instruction.Jump(JumpOp.Jeq, 0, 0, 1), result, 0) { IsSetCondition = true });
        }
        _b.StartBlock(done);
        Push(Operand.InRegister(result, typeof(int), false, temporary: true));
    }

    /// <summary>
    /// TryLoad&lt;T&gt;(offset, out value): direct packet access behind the data/data_end check where the program type
    /// allows it (skb->data for the network header on), else bpf_skb_load_bytes. False, with the value zeroed, when
    /// any byte is outside the packet.
    /// </summary>
    private void PacketLoad(MethodBase callee)
    {
        var args = PopArguments(callee); // context, offset, out value
        var type = ((MethodInfo)callee).GetGenericArguments()[0];
        var size = Layout.SizeOf(type);
        var context = args[0];
        var offset = args[1];
        var output = args[2];
        var result = _b.NewVreg();
        var fail = _b.Function.CreateBlock("load.fail");
        var done = _b.Function.CreateBlock("load.done");
        if (offset.IsConstant && ((int)offset.Value < 0 || (int)offset.Value > MaxPacketOffset - size))
        {
            ZeroOutput(output, type); // always outside any packet
            Push(ConstantInt(0));
            return;
        }
        if (_owner.DirectPacketAccess(context.Type))
        {
            var packet = CheckedPacketPointer(context, offset, type, fail);
            if (output.Kind == OperandKind.LocalAddress && output.Local!.PacketView)
                _b.MoveInto(output.Local.Reg, packet); // the local points at the packet bytes
            else if (Layout.IsScalar(type))
                StoreThrough(output, type, LoadFrom(packet, type));
            else
                StoreThrough(output, type, packet);
        }
        else
        {
            if (output.Kind == OperandKind.LocalAddress && output.Local!.PacketView)
                throw Unforeseen(output.Local!); // no direct access here: EscapeAnalysis puts it in the frame
            var helper = context.Type == typeof(XdpContext) ? KernelHelpers.XdpLoadBytes : KernelHelpers.SkbLoadBytes;
            var destination = PointerArgument(output, type, output: true);
            if (output.Kind == OperandKind.LocalAddress)
                throw Unforeseen(output.Local!);
            EmitHelperCall(helper, [context, offset, destination, ConstantInt(size)]);
            _b.JumpIf(JumpOp.Jne, true, 0, Operand.Constant(0, true), fail);
        }
        _b.LoadConstant(result, 1, wide: false);
        _b.Goto(done);
        _b.StartBlock(fail, fallThrough: false);
        ZeroOutput(output, type);
        _b.LoadConstant(result, 0, wide: false);
        _b.StartBlock(done);
        Push(Operand.InRegister(result, typeof(int), false, temporary: true));
    }

    private int CopyOf(int reg)
    {
        var copy = _b.NewVreg();
        _b.Emit(Instruction.Mov64(0, (Register)0), copy, reg);
        return copy;
    }

    /// <summary>
    /// data and data_end of the context: from the entry cache where packet pointers stay valid, else loaded here.
    /// <paramref name="modifiesData"/>: the caller adds a variable offset to data, so it gets its own copy.
    /// </summary>
    private (int Data, int End) PacketBounds(Operand context, bool modifiesData)
    {
        var bounds = PacketContexts.Of(context.Type)!.Value;
        var ctx = _b.Materialize(context);
        if (_owner.PacketPointers(ctx, bounds) is { } cached)
        {
            if (!InLoop)
                return (modifiesData ? CopyOf(cached.Data) : cached.Data, cached.End);
            // In a loop, a fresh data pointer each time keeps the verifier's states equal from one iteration to the next
            // (a pointer carried through the loop accumulates ranges, and the verifier then walks every iteration);
            // data_end carries no range, so it may stay.
            var fresh = _b.NewVreg();
            _b.Emit(Instruction.LoadMem(bounds.Size, 0, 0, bounds.Data), fresh, ctx);
            return (fresh, cached.End);
        }
        var data = _b.NewVreg();
        var end = _b.NewVreg();
        _b.Emit(Instruction.LoadMem(bounds.Size, 0, 0, bounds.Data), data, ctx);
        _b.Emit(Instruction.LoadMem(bounds.Size, 0, 0, bounds.End), end, ctx);
        return (data, end);
    }

    /// <summary>
    /// TryLoad's value when the bytes are outside the packet: zero, as the managed TryLoad gives; a packet view points at
    /// zeroed frame bytes instead.
    /// </summary>
    private void ZeroOutput(Operand output, Type type)
    {
        if (output.Kind == OperandKind.LocalAddress && output.Local!.PacketView)
        {
            _b.Zero(Vreg.Frame, output.Local.FrameOffset, Layout.SizeOf(type), output.Local.Reg);
            _b.MoveInto(output.Local.Reg, Operand.Frame(output.Local.FrameOffset, type));
        }
        else
            StoreThrough(output, type, Layout.IsScalar(type) ? Operand.Constant(0, Layout.IsWide(type)) : null);
    }

    /// <summary>
    /// A pointer to the packet's bytes [offset, offset + sizeof(T)) that the verifier accepts: data + offset, compared
    /// with data_end (jumping to <paramref name="fail"/> when past it). A variable offset first gets known bounds,
    /// 0..0xffff - size, or goes to <paramref name="fail"/> too.
    /// </summary>
    private Operand CheckedPacketPointer(Operand context, Operand offset, Type type, Block fail)
    {
        var size = Layout.SizeOf(type);
        var constant = offset.IsConstant && (int)offset.Value + size <= short.MaxValue;
        var (data, end) = PacketBounds(context, modifiesData: !constant);
        short at = 0;
        if (constant)
            at = (short)offset.Value;
        else
        {
            var off = _b.Materialize(offset);
            _b.JumpIf(JumpOp.Jgt, true, off, Operand.Constant(MaxPacketOffset - size, true), fail);
            _b.Emit(Instruction.Alu64(AluOp.Add, 0, (Register)0), data, off);
        }
        var limit = _b.NewVreg();
        _b.Emit(Instruction.Mov64(0, (Register)0), limit, data);
        _b.Emit(Instruction.Alu64(AluOp.Add, 0, at + size), limit);
        _b.JumpIf(JumpOp.Jgt, true, limit, Operand.InRegister(end, typeof(long), true, false), fail);
        return Operand.InRegister(data, type, true, temporary: false, PointerKind.MapValue).Displaced(at, type);
    }

    /// <summary>XdpContext.Length: data_end - data (a pointer difference, which privileged programs may take).</summary>
    private void PacketLength()
    {
        var context = Pop();
        if (!_owner.DirectPacketAccess(context.Type))
            throw Error("EBPF021", $"{context.Type.Name}.Length needs direct packet access, which this program type does not have");
        var (data, end) = PacketBounds(context, modifiesData: false);
        var length = _b.NewVreg();
        _b.Emit(Instruction.Mov64(0, (Register)0), length, end);
        _b.Emit(Instruction.Alu64(AluOp.Sub, 0, (Register)0), length, data);
        _b.Emit(Instruction.Mov32(0, (Register)0), length, length);
        Push(Operand.InRegister(length, typeof(int), false, temporary: true));
    }

    /// <summary>
    /// TryStore&lt;T&gt;(offset, in value): XDP writes directly behind the data/data_end check; sk_buff programs call
    /// bpf_skb_store_bytes (which keeps checksums and non-linear data right). False when any byte is outside the packet.
    /// </summary>
    private void PacketStore(MethodBase callee)
    {
        var args = PopArguments(callee); // context, offset, in value
        // A header read before stays a copy in C#: views into the packet and cached pointers go (the function is lowered again).
        _owner.PacketPointersInvalidated = true;
        var type = ((MethodInfo)callee).GetGenericArguments()[0];
        var size = Layout.SizeOf(type);
        var context = args[0];
        var offset = args[1];
        if (context.Type != typeof(XdpContext))
        {
            var source = PointerArgument(args[2], type);
            EmitHelperCall(KernelHelpers.SkbStoreBytes, [context, offset, source, ConstantInt(size), Operand.Constant(0, true)]);
            Push(MakeCompare(JumpOp.Jeq, CallResult(typeof(int)), ConstantInt(0)));
            return;
        }
        if (offset.IsConstant && ((int)offset.Value < 0 || (int)offset.Value > MaxPacketOffset - size))
        {
            Push(ConstantInt(0));
            return;
        }
        var result = _b.NewVreg();
        var fail = _b.Function.CreateBlock("store.fail");
        var done = _b.Function.CreateBlock("store.done");
        var packet = CheckedPacketPointer(context, offset, type, fail);
        // `in T value`: a scalar local kept in a register is stored from it; anything else is read from its address.
        var stored = args[2].Kind == OperandKind.LocalAddress ? LoadSlot(args[2].Local!) : Layout.IsScalar(type) ? LoadFrom(args[2], type) : args[2];
        StoreThrough(packet, type, stored);
        _b.LoadConstant(result, 1, wide: false);
        _b.Goto(done);
        _b.StartBlock(fail, fallThrough: false);
        _b.LoadConstant(result, 0, wide: false);
        _b.StartBlock(done);
        Push(Operand.InRegister(result, typeof(int), false, temporary: true));
    }

    /// <summary>BCL members with a BPF form. Returns false for anything else.</summary>
    private bool Bcl(MethodBase callee)
    {
        if (SpanMember(callee) || AsPointer(callee) || KernelArrayElement(callee))
            return true;
        var type = callee.DeclaringType;
        if (type == typeof(Unsafe) && callee.Name == "IsNullRef")
        {
            var reference = Pop();
            Push(MakeCompare(JumpOp.Jeq, reference.Offset == 0 ? reference : Operand.InRegister(_b.Materialize(reference), typeof(long), true, true), Operand.Constant(0, true)));
            return true;
        }
        if (type == typeof(BinaryPrimitives) && callee.Name == "ReverseEndianness")
        {
            var bits = Layout.SizeOf(callee.GetParameters()[0].ParameterType) * 8;
            if (bits == 8) return true;
            Push(ByteSwap(Pop(), bits));
            return true;
        }
        if (type == typeof(Interlocked) && callee.Name is "Add" or "Increment" or "Decrement" or "Or" or "And" or "Exchange")
        {
            InterlockedOp(callee);
            return true;
        }
        if (type == typeof(Math) && callee.Name is "Min" or "Max" && callee.GetParameters() is [{ ParameterType: var p }, _] && Layout.IsScalar(p) && p.IsPrimitive)
        {
            var b = Pop();
            var a = Pop();
            var signed = Layout.IsSigned(p);
            var op = callee.Name == "Min" ? (signed ? JumpOp.Jslt : JumpOp.Jlt) : (signed ? JumpOp.Jsgt : JumpOp.Jgt);
            var wide = a.Wide || b.Wide;
            var dst = WidenedWritable(a, wide);
            var keep = _b.Function.CreateBlock("minmax.keep");
            var condition = MakeCompare(op, Operand.InRegister(dst, p, wide, false), b);
            _b.JumpIf(condition.Condition, condition.ConditionWide, dst, condition.Right!, keep);
            _b.MoveInto(dst, wide ? Widen(b) : b);
            _b.StartBlock(keep);
            Push(Operand.InRegister(dst, p, wide, temporary: true));
            return true;
        }
        return false;
    }

    /// <summary>Interlocked on a map value (or any memory): BPF_ATOMIC, with the fetch form only when the result is used.</summary>
    private void InterlockedOp(MethodBase callee)
    {
        var parameters = callee.GetParameters();
        var valueType = parameters[0].ParameterType.GetElementType()!;
        var wide = Layout.SizeOf(valueType) == 8;
        if (Layout.SizeOf(valueType) < 4)
            throw Error("EBPF070", $"Interlocked.{callee.Name} on {valueType.Name}: BPF atomics work on 4 and 8 bytes");
        Operand operand = callee.Name switch
        {
            "Increment" => Operand.Constant(1, wide),
            "Decrement" => Operand.Constant(-1, wide),
            _ => Pop(),
        };
        var target = Address(Pop());
        if (target.Kind == OperandKind.LocalAddress)
            throw Unforeseen(target.Local!);
        var (baseReg, offset) = BaseOf(target);
        var resultUsed = _index + 1 < _il.Count && _il[_index + 1].OpCode != System.Reflection.Metadata.ILOpCode.Pop;
        var op = callee.Name switch
        {
            "Or" => AtomicOp.Or,
            "And" => AtomicOp.And,
            "Exchange" => AtomicOp.Xchg,
            _ => AtomicOp.Add,
        };
        var size = wide ? MemorySize.DW : MemorySize.W;
        var value = _b.NewVreg();
        _b.MoveInto(value, wide ? Widen(operand) : operand);
        if (!resultUsed && op != AtomicOp.Xchg)
        {
            _b.Emit(Instruction.Atomic(size, op, 0, offset, 0), baseReg, value);
            Push(ConstantInt(0)); // popped next
            return;
        }
        var fetched = _b.NewVreg();
        _b.MoveInto(fetched, Operand.InRegister(value, valueType, wide, false));
        _b.Emit(Instruction.Atomic(size, op == AtomicOp.Xchg ? AtomicOp.Xchg : op | AtomicOp.Fetch, 0, offset, 0), baseReg, fetched);
        // Add, Increment and Decrement give the new value; Or, And and Exchange the old one.
        if (op == AtomicOp.Add)
            _b.Emit(wide ? Instruction.Alu64(AluOp.Add, 0, (Register)0) : Instruction.Alu32(AluOp.Add, 0, (Register)0), fetched, value);
        Push(Operand.InRegister(fetched, valueType, wide, temporary: true));
    }
}
