using System.Reflection;
using System.Reflection.Metadata;
using Ebpf.Asm;
using Ebpf.Compiler.IL;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Lowering;

internal sealed partial class MethodLowering
{
    private void Translate(ILInstruction ins)
    {
        switch (ins.OpCode)
        {
            case ILOpCode.Nop or ILOpCode.Volatile or ILOpCode.Readonly or ILOpCode.Constrained or ILOpCode.Unaligned or ILOpCode.Tail:
                return;
            case >= ILOpCode.Ldarg_0 and <= ILOpCode.Ldarg_3: Push(LoadSlot(Arg(ins.OpCode - ILOpCode.Ldarg_0))); return;
            case ILOpCode.Ldarg_s or ILOpCode.Ldarg: Push(LoadSlot(Arg(ins.Int))); return;
            case ILOpCode.Starg_s or ILOpCode.Starg: StoreSlot(Arg(ins.Int), Pop()); return;
            case ILOpCode.Ldarga_s or ILOpCode.Ldarga: Push(AddressOfSlot(Arg(ins.Int))); return;
            case >= ILOpCode.Ldloc_0 and <= ILOpCode.Ldloc_3: Push(LoadSlot(Local(ins.OpCode - ILOpCode.Ldloc_0))); return;
            case ILOpCode.Ldloc_s or ILOpCode.Ldloc: Push(LoadSlot(Local(ins.Int))); return;
            case >= ILOpCode.Stloc_0 and <= ILOpCode.Stloc_3: StoreSlot(Local(ins.OpCode - ILOpCode.Stloc_0), Pop()); return;
            case ILOpCode.Stloc_s or ILOpCode.Stloc: StoreSlot(Local(ins.Int), Pop()); return;
            case ILOpCode.Ldloca_s or ILOpCode.Ldloca: Push(AddressOfSlot(Local(ins.Int))); return;
            case >= ILOpCode.Ldc_i4_m1 and <= ILOpCode.Ldc_i4_8: Push(ConstantInt((int)ins.OpCode - (int)ILOpCode.Ldc_i4_0)); return;
            case ILOpCode.Ldc_i4_s or ILOpCode.Ldc_i4: Push(ConstantInt(ins.Int)); return;
            case ILOpCode.Ldc_i8: Push(Operand.Constant(ins.Long, wide: true)); return;
            case ILOpCode.Ldnull: Push(Operand.Constant(0, wide: true)); return;
            case ILOpCode.Ldstr: Push(Operand.OfString(_owner.String(_method, ins.Token))); return;
            case ILOpCode.Dup:
            {
                var top = Pop();
                if (top.Kind == OperandKind.Condition)
                    top = Operand.InRegister(_b.SetCondition(top), typeof(bool), false, temporary: true);
                Push(top.Shared());
                Push(top.Shared());
                return;
            }
            case ILOpCode.Pop: Pop(); return;
            case ILOpCode.Add: RefuseStructArrayArithmetic(); Binary(AluOp.Add); return;
            case ILOpCode.Sub: Binary(AluOp.Sub); return;
            case ILOpCode.Mul: Binary(AluOp.Mul); return;
            case ILOpCode.And: Binary(AluOp.And); return;
            case ILOpCode.Or: Binary(AluOp.Or); return;
            case ILOpCode.Xor: Binary(AluOp.Xor); return;
            case ILOpCode.Div: Divide(AluOp.Div, signed: true); return;
            case ILOpCode.Div_un: Divide(AluOp.Div, signed: false); return;
            case ILOpCode.Rem: Divide(AluOp.Mod, signed: true); return;
            case ILOpCode.Rem_un: Divide(AluOp.Mod, signed: false); return;
            case ILOpCode.Shl: Shift(AluOp.Lsh); return;
            case ILOpCode.Shr: Shift(AluOp.Arsh); return;
            case ILOpCode.Shr_un: Shift(AluOp.Rsh); return;
            case ILOpCode.Neg: Unary(negate: true); return;
            case ILOpCode.Not: Unary(negate: false); return;
            case ILOpCode.Conv_i1: Convert(typeof(sbyte)); return;
            case ILOpCode.Conv_u1: Convert(typeof(byte)); return;
            case ILOpCode.Conv_i2: Convert(typeof(short)); return;
            case ILOpCode.Conv_u2: Convert(typeof(ushort)); return;
            case ILOpCode.Conv_i4 or ILOpCode.Conv_u4: Convert(typeof(int)); return;
            case ILOpCode.Conv_i8 or ILOpCode.Conv_i: Convert(typeof(long)); return;
            case ILOpCode.Conv_u8 or ILOpCode.Conv_u: ConvertKeepingArray(typeof(ulong)); return;
            case ILOpCode.Ceq: Compare(JumpOp.Jeq); return;
            case ILOpCode.Cgt: Compare(JumpOp.Jsgt); return;
            case ILOpCode.Cgt_un: Compare(JumpOp.Jgt); return;
            case ILOpCode.Clt: Compare(JumpOp.Jslt); return;
            case ILOpCode.Clt_un: Compare(JumpOp.Jlt); return;
            case ILOpCode.Br or ILOpCode.Br_s:
                MergeStackInto(ins.Int);
                _b.Goto(Label(ins.Int));
                return;
            case ILOpCode.Brtrue or ILOpCode.Brtrue_s: Branch(Truth(Pop()), ins.Int); return;
            case ILOpCode.Brfalse or ILOpCode.Brfalse_s: Branch(Invert(Truth(Pop())), ins.Int); return;
            case ILOpCode.Beq or ILOpCode.Beq_s: CompareBranch(JumpOp.Jeq, ins.Int); return;
            case ILOpCode.Bne_un or ILOpCode.Bne_un_s: CompareBranch(JumpOp.Jne, ins.Int); return;
            case ILOpCode.Bge or ILOpCode.Bge_s: CompareBranch(JumpOp.Jsge, ins.Int); return;
            case ILOpCode.Bge_un or ILOpCode.Bge_un_s: CompareBranch(JumpOp.Jge, ins.Int); return;
            case ILOpCode.Bgt or ILOpCode.Bgt_s: CompareBranch(JumpOp.Jsgt, ins.Int); return;
            case ILOpCode.Bgt_un or ILOpCode.Bgt_un_s: CompareBranch(JumpOp.Jgt, ins.Int); return;
            case ILOpCode.Ble or ILOpCode.Ble_s: CompareBranch(JumpOp.Jsle, ins.Int); return;
            case ILOpCode.Ble_un or ILOpCode.Ble_un_s: CompareBranch(JumpOp.Jle, ins.Int); return;
            case ILOpCode.Blt or ILOpCode.Blt_s: CompareBranch(JumpOp.Jslt, ins.Int); return;
            case ILOpCode.Blt_un or ILOpCode.Blt_un_s: CompareBranch(JumpOp.Jlt, ins.Int); return;
            case ILOpCode.Switch:
            {
                var value = Pop();
                var reg = _b.Materialize(value);
                for (var i = 0; i < ins.Targets!.Length; i++)
                {
                    MergeStackInto(ins.Targets[i]);
                    _b.JumpIf(JumpOp.Jeq, value.Wide, reg, ConstantInt(i), Label(ins.Targets[i]));
                }
                return;
            }
            case ILOpCode.Ret:
                Return();
                return;
            case ILOpCode.Add_ovf or ILOpCode.Add_ovf_un or ILOpCode.Sub_ovf or ILOpCode.Sub_ovf_un or ILOpCode.Mul_ovf or ILOpCode.Mul_ovf_un
                or >= ILOpCode.Conv_ovf_i1_un and <= ILOpCode.Conv_ovf_u_un or >= ILOpCode.Conv_ovf_i1 and <= ILOpCode.Conv_ovf_u8
                or ILOpCode.Conv_ovf_i or ILOpCode.Conv_ovf_u:
                throw Error("EBPF002", "checked arithmetic cannot throw in BPF; remove the checked context (or the <CheckForOverflowUnderflow> setting) for BPF programs");
            case ILOpCode.Localloc:
                StackAlloc();
                return;
            case ILOpCode.Newarr or ILOpCode.Box:
                throw Error("EBPF003", "BPF programs cannot allocate; use locals, structs on the stack or maps instead");
            case ILOpCode.Newobj:
                NewObject(ins.Token);
                return;
            case ILOpCode.Throw or ILOpCode.Rethrow:
                throw Error("EBPF004", "BPF programs cannot throw exceptions; return a verdict instead");
            case ILOpCode.Call or ILOpCode.Callvirt:
                Call(_owner.ResolveMethod(_method, ins.Token), ins.OpCode == ILOpCode.Callvirt);
                return;
            case ILOpCode.Ldsfld:
                Push(_owner.StaticField(_method, ins.Token, this));
                return;
            case ILOpCode.Stsfld or ILOpCode.Ldsflda:
            {
                var field = _owner.ResolveField(_method, ins.Token);
                if (ins.OpCode == ILOpCode.Ldsflda && field.Attributes.HasFlag(System.Reflection.FieldAttributes.HasFieldRVA))
                {
                    // Data the C# compiler put in the assembly (a u8 literal's bytes): a constant in .rodata.
                    var data = _b.NewVreg();
                    _b.Emit(new MachineInstr(Instruction.LoadImm64(0, 0), data) { ConstantData = GlobalVariables.InitialValue(field) });
                    Push(Operand.InRegister(data, typeof(byte), true, temporary: false, PointerKind.MapValue));
                    return;
                }
                if (!_owner.IsGlobal(field))
                    throw Error("EBPF030", $"static field '{field.Name}' can only be read here; a program writes or takes the address of its own class's static fields (global variables)");
                var address = GlobalAddress(field);
                if (ins.OpCode == ILOpCode.Ldsflda) Push(address);
                else StoreThrough(address, field.FieldType, Pop());
                return;
            }
            case ILOpCode.Ldfld:
            {
                var field = _owner.ResolveField(_method, ins.Token);
                if (KernelField(ins.OpCode, field)) return;
                Push(LoadFrom(FieldAddress(Pop(), field), field.FieldType));
                return;
            }
            case ILOpCode.Ldflda:
            {
                var field = _owner.ResolveField(_method, ins.Token);
                if (KernelField(ins.OpCode, field)) return;
                Push(FieldAddress(Pop(), field));
                return;
            }
            case ILOpCode.Stfld:
            {
                var field = _owner.ResolveField(_method, ins.Token);
                if (KernelField(ins.OpCode, field)) return;
                var value = Pop();
                StoreThrough(FieldAddress(Pop(), field), field.FieldType, value);
                return;
            }
            case >= ILOpCode.Ldind_i1 and <= ILOpCode.Ldind_ref:
                Push(LoadFrom(Address(Pop()), IndirectType(ins.OpCode)));
                return;
            case >= ILOpCode.Stind_ref and <= ILOpCode.Stind_r8 or ILOpCode.Stind_i:
            {
                var value = Pop();
                StoreThrough(Address(Pop()), IndirectType(ins.OpCode), value);
                return;
            }
            case ILOpCode.Ldobj:
                if (KernelCopy(_owner.ResolveType(_method, ins.Token))) return;
                Push(LoadFrom(Address(Pop()), _owner.ResolveType(_method, ins.Token)));
                return;
            case ILOpCode.Stobj:
            {
                var value = Pop();
                StoreThrough(Address(Pop()), _owner.ResolveType(_method, ins.Token), value);
                return;
            }
            case ILOpCode.Initobj:
            {
                var type = _owner.ResolveType(_method, ins.Token);
                StoreThrough(Address(Pop()), type, Layout.IsScalar(type) ? Operand.Constant(0, Layout.IsWide(type)) : null);
                return;
            }
            case ILOpCode.Sizeof:
                Push(ConstantInt(Layout.SizeOf(_owner.ResolveType(_method, ins.Token))));
                return;
            case ILOpCode.Ldc_r4 or ILOpCode.Ldc_r8 or ILOpCode.Conv_r4 or ILOpCode.Conv_r8 or ILOpCode.Conv_r_un:
                throw Error("EBPF007", "floating point is not available in BPF programs; use integers (e.g. fixed-point)");
            default:
                throw Error("EBPF001", $"'{ins.OpCode.ToString().ToLowerInvariant().Replace('_', '.')}' is not supported by the BPF compiler yet");
        }
    }

    private LocalSlot Arg(int i) => i < _args.Length ? _args[i] : throw Error("EBPF001", $"argument {i} does not exist");
    private LocalSlot Local(int i) => i < _locals.Length ? _locals[i] : throw Error("EBPF001", $"local {i} does not exist");

    private static Type IndirectType(ILOpCode op) => op switch
    {
        ILOpCode.Ldind_i1 or ILOpCode.Stind_i1 => typeof(sbyte),
        ILOpCode.Ldind_u1 => typeof(byte),
        ILOpCode.Ldind_i2 or ILOpCode.Stind_i2 => typeof(short),
        ILOpCode.Ldind_u2 => typeof(ushort),
        ILOpCode.Ldind_i4 or ILOpCode.Stind_i4 => typeof(int),
        ILOpCode.Ldind_u4 => typeof(uint),
        ILOpCode.Ldind_i8 or ILOpCode.Stind_i8 => typeof(long),
        ILOpCode.Ldind_i or ILOpCode.Stind_i => typeof(nint),
        ILOpCode.Ldind_ref or ILOpCode.Stind_ref => typeof(object),
        _ => typeof(double),
    };

    private void Return()
    {
        var method = _method as MethodInfo;
        var value = method is not null && method.ReturnType != typeof(void) ? Pop() : null;
        if (_return is null)
        {
            CheckErrnoReturn(value);
            if (value is not null)
                _b.MoveInto(0, value.Kind == OperandKind.Condition ? Operand.InRegister(_b.SetCondition(value), typeof(bool), false, true) : value);
            else
                _b.LoadConstant(0, 0, wide: false);
            _b.Exit();
            return;
        }
        if (value is not null)
        {
            _resultPointer = value.Kind == OperandKind.FrameAddress ? PointerKind.Frame : value.Pointer;
            _b.MoveInto(_result, value);
        }
        _b.Goto(_return);
    }
}
