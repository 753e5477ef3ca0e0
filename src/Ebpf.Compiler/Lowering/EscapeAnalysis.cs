using System.Reflection;
using System.Reflection.Metadata;
using Ebpf.Compiler.IL;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Finds, before lowering, the locals and arguments that must live in the frame although they are scalars: those
/// whose address (ldloca, ldarga) reaches something that needs a real address — a store of the address, a field, pointer
/// arithmetic, Unsafe.AsPointer, Interlocked, an `out` argument of a helper, a packet read through a helper. Every other
/// use of such an address (reads and writes through it, `ref` arguments of inlined methods, `in` arguments of helpers)
/// works on the register itself. It walks the IL as the lowering does, in order, inlining the same calls, with an
/// evaluation stack that only knows which entries are such addresses; so each function is lowered once.
/// </summary>
internal sealed class EscapeAnalysis
{
    private readonly FunctionLowering _owner;
    private readonly HashSet<(MethodBase, int)> _escaped;
    private readonly Stack<MethodBase> _chain = new();

    /// <summary>Struct locals that point into the packet: their address reaches inlined callees, which read fields through it.</summary>
    private readonly HashSet<(MethodBase, int)> _packetViews = [];

    private EscapeAnalysis(FunctionLowering owner, HashSet<(MethodBase, int)> escaped)
    {
        _owner = owner;
        _escaped = escaped;
    }

    /// <summary>Adds to <paramref name="escaped"/> the slots of <paramref name="method"/> and its inlined callees that need an address.</summary>
    public static void Run(FunctionLowering owner, MethodBase method, HashSet<(MethodBase, int)> escaped)
    {
        var analysis = new EscapeAnalysis(owner, escaped);
        try
        {
            analysis.Walk(method, null, 0);
        }
        catch (CompilerException)
        {
            // The lowering reports this error at the same instruction; what was found before it stands.
        }
    }

    /// <summary>An evaluation stack entry: the slot whose address it is, or null for anything else.</summary>
    private readonly record struct Value((MethodBase Method, int Index)? Address, Type? Context = null)
    {
        public static readonly Value Other = new(null);
    }

    private void Walk(MethodBase method, Value[]? arguments, int depth)
    {
        if (depth > 8 || _chain.Contains(method)) return; // the lowering refuses both
        var body = method.GetMethodBody();
        if (body is null) return;
        _chain.Push(method);
        try
        {
            new MethodWalk(this, method, body, arguments).Run(depth);
        }
        finally
        {
            _chain.Pop();
        }
    }

    private sealed class MethodWalk
    {
        private readonly EscapeAnalysis _analysis;
        private readonly FunctionLowering _owner;
        private readonly MethodBase _method;
        private readonly IReadOnlyList<ILInstruction> _il;
        private readonly Type[] _argTypes;
        private readonly Type[] _localTypes;
        private readonly Value[]? _bound;
        private readonly List<Value> _stack = [];
        private readonly Dictionary<int, Value[]> _entryStacks = [];
        private readonly HashSet<int> _labels = [];

        public MethodWalk(EscapeAnalysis analysis, MethodBase method, MethodBody body, Value[]? bound)
        {
            _analysis = analysis;
            _owner = analysis._owner;
            _method = method;
            _bound = bound;
            _il = ILDecoder.Decode(body.GetILAsByteArray() ?? [], method.Name);
            var parameters = method.GetParameters().Select(p => p.ParameterType).ToList();
            if (!method.IsStatic) parameters.Insert(0, method.DeclaringType!.MakeByRefType());
            _argTypes = [.. parameters];
            _localTypes = body.LocalVariables.Select(l => l.LocalType).ToArray();
            for (var i = 0; i < _localTypes.Length; i++)
            {
                var t = _localTypes[i];
                if (!Layout.IsScalar(t) && _owner.PacketViews && !analysis.Escapes(method, i) && !MethodLowering.IsLogMessage(t)
                    && !t.IsSubclassOf(typeof(BpfContext)) && MethodLowering.IsPacketView(_owner, method, _il, i))
                    analysis._packetViews.Add((method, i));
            }
        }

        public void Run(int depth)
        {
            foreach (var (ins, i) in _il.Select((ins, i) => (ins, i)))
            {
                if (ins.Targets is { } targets) _labels.UnionWith(targets);
                else if (ins.OpCode.IsBranch()) _labels.Add(ins.Int);
                else continue;
                if (i + 1 < _il.Count) _labels.Add(_il[i + 1].Offset);
            }
            var ended = false;
            foreach (var ins in _il)
            {
                if (_labels.Contains(ins.Offset))
                {
                    if (!ended) Merge(ins.Offset);
                    _stack.Clear();
                    if (_entryStacks.TryGetValue(ins.Offset, out var entry)) _stack.AddRange(entry);
                }
                ended = Step(ins, depth);
            }
        }

        /// <summary>The stack a branch brings to its target: the first path into it fixes it, as in the lowering.</summary>
        private void Merge(int target)
        {
            if (_stack.Count > 0) _entryStacks.TryAdd(target, [.. _stack]);
        }

        private void Escape(Value v)
        {
            if (v.Address is { } key) _analysis._escaped.Add(key);
        }

        private Value Pop()
        {
            if (_stack.Count == 0) throw new CompilerException("empty stack"); // invalid IL: the lowering refuses it
            var v = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            return v;
        }

        private void Push(Value v) => _stack.Add(v);

        private void Pop(int count)
        {
            for (var i = 0; i < count; i++) Pop();
        }

        /// <summary>ldarg: an inlined method's parameter that the caller gave an address stands for that address.</summary>
        private Value LoadArgument(int index)
        {
            if (_bound is not null && index < _bound.Length && (_bound[index].Address is not null || _bound[index].Context is not null)) return _bound[index];
            return index < _argTypes.Length && _argTypes[index].IsSubclassOf(typeof(BpfContext)) ? new Value(null, _argTypes[index]) : Value.Other;
        }

        /// <summary>ldarga / ldloca: an address the lowering keeps symbolic (a scalar or context in a register, a packet view).</summary>
        private Value AddressOf(bool argument, int index)
        {
            var types = argument ? _argTypes : _localTypes;
            if (index >= types.Length) return Value.Other;
            if (argument && _bound is not null && _bound[index].Address is not null) return Value.Other; // refused (EBPF063)
            var type = types[index];
            var key = (_method, argument ? ~index : index);
            if (MethodLowering.IsLogMessage(type)) return Value.Other;
            if (type.IsSubclassOf(typeof(BpfContext))) return new Value(key);
            if (!argument && _analysis._packetViews.Contains(key)) return new Value(key);
            return Layout.IsScalar(type) && !_analysis.Escapes(key.Item1, key.Item2) ? new Value(key) : Value.Other;
        }

        /// <summary>Whether the slot is a packet view (a struct read from the packet once and then only read).</summary>
        private bool IsPacketView(Value v) => v.Address is { } key && _analysis._packetViews.Contains(key);

        /// <summary>One instruction; true when it ends its block (nothing falls through to the next).</summary>
        private bool Step(ILInstruction ins, int depth)
        {
            var op = ins.OpCode;
            switch (op)
            {
                case >= ILOpCode.Ldarg_0 and <= ILOpCode.Ldarg_3: Push(LoadArgument(op - ILOpCode.Ldarg_0)); break;
                case ILOpCode.Ldarg_s or ILOpCode.Ldarg: Push(LoadArgument(ins.Int)); break;
                case ILOpCode.Ldarga_s or ILOpCode.Ldarga: Push(AddressOf(true, ins.Int)); break;
                case ILOpCode.Ldloca_s or ILOpCode.Ldloca: Push(AddressOf(false, ins.Int)); break;
                case >= ILOpCode.Ldloc_0 and <= ILOpCode.Ldloc_3 or ILOpCode.Ldloc_s or ILOpCode.Ldloc:
                case >= ILOpCode.Ldc_i4_m1 and <= ILOpCode.Ldc_i4_8 or ILOpCode.Ldc_i4_s or ILOpCode.Ldc_i4 or ILOpCode.Ldc_i8:
                case ILOpCode.Ldnull or ILOpCode.Ldstr or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Sizeof:
                    Push(Value.Other);
                    break;
                // Storing an address anywhere (a local, an argument, memory, a global) needs a real one.
                case >= ILOpCode.Stloc_0 and <= ILOpCode.Stloc_3 or ILOpCode.Stloc_s or ILOpCode.Stloc or ILOpCode.Starg_s or ILOpCode.Starg or ILOpCode.Stsfld:
                    Escape(Pop());
                    break;
                case >= ILOpCode.Stind_ref and <= ILOpCode.Stind_r8 or ILOpCode.Stind_i or ILOpCode.Stobj:
                    Escape(Pop());
                    Pop();
                    break;
                case ILOpCode.Dup:
                {
                    var top = Pop(); // the same address twice
                    Push(top);
                    Push(top);
                    break;
                }
                case ILOpCode.Pop or ILOpCode.Initobj or ILOpCode.Localloc or ILOpCode.Neg or ILOpCode.Not
                    or >= ILOpCode.Ldind_i1 and <= ILOpCode.Ldind_ref or ILOpCode.Ldobj:
                    Pop();
                    if (op is not (ILOpCode.Pop or ILOpCode.Initobj)) Push(Value.Other);
                    break;
                case ILOpCode.Add or ILOpCode.Sub:
                {
                    // Pointer arithmetic on a local's address: only a real address can be offset.
                    var b = Pop();
                    var a = Pop();
                    if (op == ILOpCode.Add && b.Address is not null) Escape(b);
                    else if (a.Address is not null && b.Address is null) Escape(a);
                    Push(Value.Other);
                    break;
                }
                case ILOpCode.Mul or ILOpCode.And or ILOpCode.Or or ILOpCode.Xor or ILOpCode.Div or ILOpCode.Div_un or ILOpCode.Rem or ILOpCode.Rem_un
                    or ILOpCode.Shl or ILOpCode.Shr or ILOpCode.Shr_un or ILOpCode.Ceq or ILOpCode.Cgt or ILOpCode.Cgt_un or ILOpCode.Clt or ILOpCode.Clt_un:
                    Pop(2);
                    Push(Value.Other);
                    break;
                case ILOpCode.Conv_i8 or ILOpCode.Conv_i or ILOpCode.Conv_u8 or ILOpCode.Conv_u:
                    Push(Pop()); // an address converted to a native integer stays the address
                    break;
                case ILOpCode.Conv_i1 or ILOpCode.Conv_u1 or ILOpCode.Conv_i2 or ILOpCode.Conv_u2 or ILOpCode.Conv_i4 or ILOpCode.Conv_u4:
                    Pop();
                    Push(Value.Other);
                    break;
                case ILOpCode.Br or ILOpCode.Br_s:
                    Merge(ins.Int);
                    return true;
                case ILOpCode.Brtrue or ILOpCode.Brtrue_s or ILOpCode.Brfalse or ILOpCode.Brfalse_s:
                    Pop();
                    Merge(ins.Int);
                    break;
                case >= ILOpCode.Beq and <= ILOpCode.Blt_un or >= ILOpCode.Beq_s and <= ILOpCode.Blt_un_s:
                    Pop(2);
                    Merge(ins.Int);
                    break;
                case ILOpCode.Switch:
                    Pop();
                    foreach (var target in ins.Targets!) Merge(target);
                    break;
                case ILOpCode.Ret:
                    if (_method is MethodInfo { ReturnType: var rt } && rt != typeof(void)) Pop();
                    return true;
                case ILOpCode.Newobj:
                {
                    var ctor = _owner.ResolveMethod(_method, ins.Token);
                    var args = PopArguments(ctor, withThis: false);
                    var type = ctor.DeclaringType!;
                    if (type.IsValueType && !MethodLowering.IsLogMessage(type) && !MethodLowering.IsSpan(type))
                        _analysis.Walk(ctor, [Value.Other, .. args], depth + 1);
                    Push(Value.Other);
                    break;
                }
                case ILOpCode.Call or ILOpCode.Callvirt:
                    Call(_owner.ResolveMethod(_method, ins.Token), depth);
                    break;
                case ILOpCode.Ldfld or ILOpCode.Ldflda:
                {
                    var obj = Pop();
                    if (!IsPacketView(obj)) Escape(obj); // a field of a register has no address
                    Push(Value.Other);
                    break;
                }
                case ILOpCode.Stfld:
                {
                    var value = Pop();
                    var obj = Pop();
                    if (!IsPacketView(obj)) Escape(obj);
                    Escape(value);
                    break;
                }
                case ILOpCode.Nop or ILOpCode.Volatile or ILOpCode.Readonly or ILOpCode.Constrained or ILOpCode.Unaligned or ILOpCode.Tail:
                    break;
                default:
                    throw new CompilerException($"'{op}'"); // refused by the lowering
            }
            return false;
        }

        private Value[] PopArguments(MethodBase callee, bool withThis = true)
        {
            var count = callee.GetParameters().Length + (withThis && !callee.IsStatic ? 1 : 0);
            var args = new Value[count];
            for (var i = count - 1; i >= 0; i--) args[i] = Pop();
            return args;
        }

        private void PushResult(MethodBase callee)
        {
            if (callee is MethodInfo { ReturnType: var rt } && rt != typeof(void)) Push(Value.Other);
        }

        /// <summary>A call, dispatched as MethodLowering.Call dispatches it.</summary>
        private void Call(MethodBase callee, int depth)
        {
            var type = callee.DeclaringType;
            var parameters = callee.GetParameters();
            var offset = callee.IsStatic ? 0 : 1;
            var args = PopArguments(callee);
            if (callee.IsDefined(typeof(KfuncAttribute), false))
            {
                for (var i = 0; i < parameters.Length; i++)
                    if (parameters[i].ParameterType.IsByRef) Escape(args[i + offset]); // passed as an address the kernel reads or writes
                PushResult(callee); // never inlined: its body is for managed runs only
                return;
            }
            if (type?.Assembly == typeof(BpfContext).Assembly)
            {
                if (MethodLowering.Marked<IntrinsicAttribute>(callee) is { } intrinsic)
                {
                    // Only a packet read through bpf_skb_load_bytes / bpf_xdp_load_bytes writes through the address it gets.
                    if (intrinsic.Kind == IntrinsicKind.PacketLoad && !_owner.DirectPacketAccess(args[0].Context ?? type))
                        Escape(args[^1]);
                }
                else if (MethodLowering.Marked<HelperAttribute>(callee) is not null)
                {
                    for (var i = 0; i < parameters.Length; i++)
                        if (parameters[i].ParameterType.IsByRef && parameters[i].IsOut)
                            Escape(args[i + offset]); // the helper writes there: a real address
                }
                else if (type.IsValueType && !callee.IsStatic && callee.Name.StartsWith("get_", StringComparison.Ordinal))
                    _analysis.Walk(callee, args, depth + 1); // a library struct's property: plain IL, inlined
                PushResult(callee);
                return;
            }
            if (type == typeof(System.Runtime.CompilerServices.Unsafe) && callee.Name == "AsPointer"
                || type == typeof(System.Threading.Interlocked) && callee.Name is "Add" or "Increment" or "Decrement" or "Or" or "And" or "Exchange")
                Escape(args[0]);
            var kernelProperty = KernelTypes.IsKernelType(type) && !callee.IsStatic && callee.Name.StartsWith("get_", StringComparison.Ordinal);
            if (type is null || type.Assembly != _method.DeclaringType!.Assembly || kernelProperty)
            {
                PushResult(callee); // the BCL members the lowering knows, a kernel type's member read: no address kept
                return;
            }
            _analysis.Walk(callee, args, depth + 1);
            PushResult(callee);
        }
    }

    private bool Escapes(MethodBase method, int index) => _escaped.Contains((method, index));
}
