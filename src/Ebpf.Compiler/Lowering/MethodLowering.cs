using System.Reflection;
using System.Reflection.Metadata;
using Ebpf.Asm;
using Ebpf.Compiler.IL;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Lowers the IL of one method into the shared <see cref="FunctionBuilder"/>: the program itself, or a method it calls,
/// inlined with its arguments bound to the caller's operands. The IL evaluation stack becomes <see cref="Operand"/>s,
/// so constants stay immediates, comparisons fuse with branches, and locals live in virtual registers (or in the
/// frame when they are structs or their address escapes).
/// </summary>
internal sealed partial class MethodLowering
{
    private const int MaxArguments = 5;
    private const int MaxInlineDepth = 8;

    private readonly FunctionLowering _owner;
    private readonly FunctionBuilder _b;
    private readonly MethodBase _method;
    private readonly int _depth;
    private readonly LocalSlot[] _args;
    private readonly LocalSlot[] _locals;
    private readonly Dictionary<int, Block> _labels = [];
    private readonly Dictionary<int, Operand[]> _entryStacks = [];
    private readonly Dictionary<int, SourceLocation> _lines;
    private readonly List<Operand> _stack = [];
    private readonly Block? _return;   // inlined: where `ret` continues
    private readonly int _result = Vreg.None;
    private IReadOnlyList<ILInstruction> _il = [];
    private int _index;

    /// <summary>Whether the call that inlined this method sits in a loop of its caller.</summary>
    private readonly bool _calledInLoop;

    internal MethodLowering(FunctionLowering owner, MethodBase method, IReadOnlyList<Operand>? arguments, int depth, bool calledInLoop = false)
    {
        _calledInLoop = calledInLoop;
        _owner = owner;
        _b = owner.Builder;
        _method = method;
        _depth = depth;
        _lines = owner.Lines(method);
        if (_lines.Count > 0 && arguments is null)
            _b.Location ??= _lines.MinBy(l => l.Key).Value; // errors before the first IL line point at the method
        var body = method.GetMethodBody() ?? throw owner.Error(method, 0, "EBPF021", $"{Name} has no body (abstract, extern or a P/Invoke) and cannot be compiled to BPF");
        _il = ILDecoder.Decode(body.GetILAsByteArray() ?? [], Name);
        // An instance method (a struct's method or constructor) takes `this` by reference as argument 0.
        var parameters = method.GetParameters().Select(p => (Name: p.Name ?? $"arg{p.Position}", Type: p.ParameterType)).ToList();
        if (!method.IsStatic)
            parameters.Insert(0, ("this", method.DeclaringType!.MakeByRefType()));
        if (parameters.Count > (TakesTypedArguments(owner.Section) ? MaxTracedArguments : MaxArguments) && arguments is null)
            throw Error("EBPF011", $"a BPF function takes at most {MaxArguments} arguments, this one takes {parameters.Count}; pass a struct by reference instead");
        var written = WrittenArguments();
        _args = new LocalSlot[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
            _args[i] = NewSlot(parameters[i].Name, parameters[i].Type, owner.Escapes(method, ~i), ~i);
        _locals = body.LocalVariables.Select(l => NewSlot($"V_{l.LocalIndex}", l.LocalType, owner.Escapes(method, l.LocalIndex), l.LocalIndex)).ToArray();
        if (arguments is null && TakesTypedArguments(owner.Section))
            BindTypedArguments();
        else if (arguments is null)
        {
            BindEntryArguments();
            if (_args.FirstOrDefault(a => a.Pointer == PointerKind.Context) is { } context)
                owner.Entry = (_b.Current, _b.Current.Code.Count, context.Reg);
            if (_args is [{ Type.IsPointer: true } or { Pointer: PointerKind.Context }, ..] && !_args[0].InFrame)
                owner.ContextRegister = _args[0].Reg;
        }
        else
        {
            BindArguments(arguments, written);
            _return = _b.Function.CreateBlock($"{method.Name}.return");
            if (method is MethodInfo { ReturnType: var rt } && rt != typeof(void))
            {
                if (!Layout.IsScalar(rt))
                    throw Error("EBPF061", $"{Name} returns a struct ({rt.Name}); methods called from a BPF program return scalars; return through an out parameter instead");
                _result = _b.NewVreg();
            }
        }
    }

    private string Name => $"{_method.DeclaringType?.Name}.{_method.Name}";

    internal CompilerException Error(string code, string message) =>
        _owner.Error(_method, _index < _il.Count ? _il[_index].Offset : 0, code, message);

    private LocalSlot NewSlot(string name, Type type, bool escapes, int localIndex)
    {
        var slot = new LocalSlot(name, type);
        _owner.Register(slot, _method, localIndex);
        if (type.IsSubclassOf(typeof(Ebpf.Kernel.BpfContext)))
        {
            slot.Reg = _b.NewVreg(); // the context pointer
            slot.Pointer = PointerKind.Context;
            return slot;
        }
        if (IsLogMessage(type))
            return slot; // built by BeginLog
        if (localIndex >= 0 && !escapes && !Layout.IsScalar(type) && _owner.PacketViews && IsPacketView(_owner, _method, _il, localIndex))
        {
            slot.PacketView = true;
            slot.Reg = _b.NewVreg();
            slot.Pointer = PointerKind.MapValue;
            slot.FrameOffset = _b.AllocateFrame(Layout.SizeOf(type));
            return slot;
        }
        if (!type.IsValueType && !type.IsByRef && !type.IsPointer)
            throw Error("EBPF012", $"'{name}' has type {type.Name}: BPF programs use integers, enums, bool, structs of them, and refs or pointers to them");
        if (!Layout.IsScalar(type) || escapes)
        {
            slot.InFrame = true;
            slot.FrameOffset = _b.AllocateFrame(Layout.SizeOf(type));
            // C# zeroes locals on every call (.locals init) and helpers may read padding: zero the bytes unless the IL
            // first writes the whole value anyway, or [SkipLocalsInit] took the init away (as in C, the program fills it).
            if (!WrittenWholeFirst(localIndex) && (localIndex < 0 || _method.GetMethodBody()!.InitLocals))
                _b.Zero(Vreg.Frame, slot.FrameOffset, Layout.SizeOf(type));
        }
        else
            slot.Reg = _b.NewVreg();
        return slot;
    }

    /// <summary>
    /// A struct local whose first touch is the out argument of TryLoad and whose other touches only read it (a field,
    /// a readonly member, a copy of the whole) can point at the packet instead of holding a copy.
    /// </summary>
    internal static bool IsPacketView(FunctionLowering owner, MethodBase method, IReadOnlyList<ILInstruction> il, int localIndex)
    {
        var loads = 0;
        for (var i = 0; i < il.Count; i++)
        {
            var ins = il[i];
            if (LocalOf(ins) != localIndex) continue;
            if (ins.OpCode is >= ILOpCode.Stloc_0 and <= ILOpCode.Stloc_3 or ILOpCode.Stloc or ILOpCode.Stloc_s) return false;
            if (ins.OpCode is not (ILOpCode.Ldloca or ILOpCode.Ldloca_s))
            {
                if (loads == 0) return false; // read before it is loaded
                continue; // ldloc: a read of the whole value
            }
            if (i + 1 >= il.Count) return false;
            var next = il[i + 1];
            if (next.OpCode == ILOpCode.Ldfld && loads > 0) continue;
            if (next.OpCode is not (ILOpCode.Call or ILOpCode.Callvirt)) return false;
            var callee = owner.ResolveMethod(method, next.Token);
            if (callee.GetCustomAttribute<Ebpf.Kernel.IntrinsicAttribute>()?.Kind == Ebpf.Kernel.IntrinsicKind.PacketLoad)
            {
                if (++loads > 1 || callee.GetParameters()[^1].ParameterType.GetElementType() != method.GetMethodBody()!.LocalVariables[localIndex].LocalType) return false;
                continue;
            }
            if (loads == 0) return false;
            var readOnly = callee.IsDefined(typeof(System.Runtime.CompilerServices.IsReadOnlyAttribute)) || callee.DeclaringType!.IsDefined(typeof(System.Runtime.CompilerServices.IsReadOnlyAttribute));
            var assembly = callee.DeclaringType!.Assembly;
            if (!readOnly || callee.IsStatic || assembly != method.DeclaringType!.Assembly && assembly != typeof(Ebpf.Kernel.BpfContext).Assembly) return false;
        }
        return loads == 1;
    }

    /// <summary>The local an ldloc, stloc or ldloca names; -1 for other instructions.</summary>
    private static int LocalOf(ILInstruction ins) => ins.OpCode switch
    {
        >= ILOpCode.Ldloc_0 and <= ILOpCode.Ldloc_3 => ins.OpCode - ILOpCode.Ldloc_0,
        >= ILOpCode.Stloc_0 and <= ILOpCode.Stloc_3 => ins.OpCode - ILOpCode.Stloc_0,
        ILOpCode.Ldloc or ILOpCode.Ldloc_s or ILOpCode.Stloc or ILOpCode.Stloc_s or ILOpCode.Ldloca or ILOpCode.Ldloca_s => ins.Int,
        _ => -1,
    };

    /// <summary>Whether the IL's first touch of a local stores all of it (stloc, or ldloca + initobj); arguments arrive written.</summary>
    private bool WrittenWholeFirst(int localIndex)
    {
        if (localIndex < 0) return true;
        for (var i = 0; i < _il.Count; i++)
        {
            var ins = _il[i];
            if (LocalOf(ins) != localIndex) continue;
            return ins.OpCode is >= ILOpCode.Stloc_0 and <= ILOpCode.Stloc_3 or ILOpCode.Stloc or ILOpCode.Stloc_s
                || ins.OpCode is ILOpCode.Ldloca or ILOpCode.Ldloca_s && i + 1 < _il.Count && _il[i + 1].OpCode == ILOpCode.Initobj;
        }
        return true;
    }

    /// <summary>Arguments the method writes (starg) or takes the address of: those get their own copy when inlined.</summary>
    private HashSet<int> WrittenArguments()
    {
        var set = new HashSet<int>();
        foreach (var ins in _il)
            if (ins.OpCode is ILOpCode.Starg or ILOpCode.Starg_s or ILOpCode.Ldarga or ILOpCode.Ldarga_s)
                set.Add(ins.Int);
        return set;
    }

    /// <summary>The program (or a function compiled alone): arguments arrive in r1-r5.</summary>
    private void BindEntryArguments()
    {
        for (var i = 0; i < _args.Length; i++)
        {
            var slot = _args[i];
            var type = slot.Type;
            if (type.IsSubclassOf(typeof(Ebpf.Kernel.BpfContext)))
                slot.Pointer = PointerKind.Context;
            else if (!Layout.IsScalar(type))
                throw Error("EBPF012", $"parameter '{slot.Name}' has type {type.Name}; a BPF function takes integers, enums, bool or its program's context");
            var reg = i + 1;
            if (slot.InFrame)
                _b.Emit(Instruction.StoreMem(MemorySize.DW, 0, slot.FrameOffset, 0), Vreg.Frame, reg);
            else if (Layout.IsWide(type) || slot.Pointer != PointerKind.None)
                _b.Emit(Instruction.Mov64(0, (Register)0), slot.Reg, reg);
            else
            {
                // The caller owes nothing above bit 31 of a 32-bit argument; our registers keep it zero.
                _b.Emit(Instruction.Mov32(0, (Register)0), slot.Reg, reg);
                if (Layout.SizeOf(type) < 4)
                    Normalize(slot.Reg, type);
            }
        }
    }

    /// <summary>
    /// Inlined: an argument the callee never writes stands for the caller's operand itself (a constant stays a constant,
    /// an address stays an address); others, and the caller's locals, get a copy the callee owns.
    /// </summary>
    private void BindArguments(IReadOnlyList<Operand> arguments, HashSet<int> written)
    {
        for (var i = 0; i < _args.Length; i++)
        {
            var slot = _args[i];
            var value = arguments[i];
            if (value.Kind == OperandKind.Condition)
                value = Operand.InRegister(_b.SetCondition(value), typeof(bool), false, temporary: true);
            var symbolic = value.Kind is OperandKind.LocalAddress or OperandKind.Map or OperandKind.String;
            // The context pointer never changes: the callee uses the caller's register (so cached packet pointers match).
            if (symbolic || (!written.Contains(i) && !slot.InFrame && (value.Kind != OperandKind.Register || value.Temporary || value.Pointer == PointerKind.Context)))
            {
                if (symbolic && written.Contains(i))
                    throw Error("EBPF063", $"{Name} writes or takes the address of its parameter '{slot.Name}', which holds an address or a map; copy it to a local first");
                slot.Bound = value.Shared();
                continue;
            }
            if (slot.InFrame)
                StoreTo(slot, value);
            else
            {
                slot.Pointer = value.Kind == OperandKind.FrameAddress ? PointerKind.Frame : value.Pointer;
                _b.MoveInto(slot.Reg, value);
            }
        }
    }

    /// <summary>Lowers the body; for an inlined method returns its result (null for void).</summary>
    internal Operand? Lower()
    {
        if (_depth > MaxInlineDepth)
            throw Error("EBPF062", $"calls nest more than {MaxInlineDepth} deep at {Name}; flatten the helpers");
        FindLabels();
        for (_index = 0; _index < _il.Count; _index++)
        {
            var ins = _il[_index];
            if (_lines.TryGetValue(ins.Offset, out var line)) _b.Location = line;
            if (_labels.TryGetValue(ins.Offset, out var label))
                EnterLabel(ins.Offset, label);
            Translate(ins);
        }
        if (_return is null) return null;
        _b.StartBlock(_return, fallThrough: !_b.Ended);
        return _result == Vreg.None ? null : Operand.InRegister(_result, ((MethodInfo)_method).ReturnType, Layout.IsWide(((MethodInfo)_method).ReturnType), temporary: true, _resultPointer);
    }

    private PointerKind _resultPointer;

    /// <summary>Whether the current instruction runs in a loop: inside a backward branch's range here, or called from one.</summary>
    private bool InLoop
    {
        get
        {
            if (_calledInLoop) return true;
            var offset = _il[_index].Offset;
            foreach (var ins in _il)
            {
                if (ins.Targets is { } targets)
                {
                    foreach (var t in targets)
                        if (t <= offset && offset <= ins.Offset) return true;
                }
                else if (ins.OpCode.IsBranch() && ins.Int <= offset && offset <= ins.Offset)
                    return true;
            }
            return false;
        }
    }

    /// <summary>Blocks start at branch targets and after every branch.</summary>
    private void FindLabels()
    {
        for (var i = 0; i < _il.Count; i++)
        {
            var ins = _il[i];
            if (ins.Targets is { } targets)
                foreach (var t in targets) Label(t);
            else if (ins.OpCode.IsBranch())
                Label(ins.Int);
            else
                continue;
            if (i + 1 < _il.Count) Label(_il[i + 1].Offset);
        }
    }

    private Block Label(int offset)
    {
        if (!_labels.TryGetValue(offset, out var block))
            _labels[offset] = block = _b.Function.CreateBlock($"{_method.Name}.IL_{offset:x4}");
        return block;
    }

    private void EnterLabel(int offset, Block label)
    {
        if (!_b.Ended) MergeStackInto(offset);
        _b.StartBlock(label);
        _stack.Clear();
        if (_entryStacks.TryGetValue(offset, out var entry))
            _stack.AddRange(entry.Select(e => Symbolic(e) ? e : Operand.InRegister(e.Reg, e.Type, e.Wide, temporary: true, e.Pointer)));
    }

    /// <summary>A value on the stack at a branch lives on in one register per depth, which every path into the target writes.</summary>
    private void MergeStackInto(int target)
    {
        if (_stack.Count == 0) return;
        if (!_entryStacks.TryGetValue(target, out var entry))
        {
            // A map or a frame address (the receiver or the key of a call whose argument is a ?: ) stays what it is:
            // every path brings the same one.
            entry = _stack.Select(o => Symbolic(o) ? o : Operand.InRegister(_b.NewVreg(), o.Kind == OperandKind.Condition ? typeof(bool) : o.Type, o.Wide, false,
                o.Kind == OperandKind.FrameAddress ? PointerKind.Frame : o.Pointer)).ToArray();
            _entryStacks[target] = entry;
        }
        for (var i = 0; i < entry.Length; i++)
        {
            if (Symbolic(entry[i]))
            {
                if (!SameSymbol(entry[i], _stack[i]))
                    throw Error("EBPF072", $"two paths bring different maps or addresses ({entry[i]}, {_stack[i]}) to one place; choose with an if around the whole call instead");
                continue;
            }
            _b.MoveInto(entry[i].Reg, _stack[i]);
        }
    }

    private static bool Symbolic(Operand o) => o.Kind is OperandKind.Map or OperandKind.FrameAddress or OperandKind.LocalAddress or OperandKind.String;

    private static bool SameSymbol(Operand a, Operand b) => a.Kind == b.Kind && a.Kind switch
    {
        OperandKind.Map => a.Map == b.Map,
        OperandKind.FrameAddress => a.Offset == b.Offset,
        OperandKind.LocalAddress => a.Local == b.Local,
        _ => a.Text == b.Text,
    };

    private void Push(Operand o) => _stack.Add(o);

    private Operand Pop()
    {
        if (_stack.Count == 0)
            throw Error("EBPF001", "the evaluation stack is empty; the IL is not valid");
        var o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private Operand Peek(int depth = 0) => _stack[_stack.Count - 1 - depth];

    /// <summary>Small integer types are held sign- or zero-extended to 32 bits, as the CLR's evaluation stack holds them.</summary>
    private void Normalize(int reg, Type type)
    {
        if (type.IsEnum) type = Enum.GetUnderlyingType(type);
        switch (Layout.SizeOf(type))
        {
            case 1 when type == typeof(sbyte): _b.Emit(Instruction.MovSx32(0, 0, 8), reg, reg); break;
            case 2 when type == typeof(short): _b.Emit(Instruction.MovSx32(0, 0, 16), reg, reg); break;
            case 1 when type == typeof(bool): break; // 0 or 1 already
            case 1: _b.Emit(Instruction.Alu32(AluOp.And, 0, 0xff), reg); break;
            case 2: _b.Emit(Instruction.Alu32(AluOp.And, 0, 0xffff), reg); break;
        }
    }

    private static Operand ConstantInt(long value) => Operand.Constant(value, wide: false);
}
