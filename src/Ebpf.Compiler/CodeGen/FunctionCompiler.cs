using System.Reflection.Metadata;
using Ebpf.Asm;
using Ebpf.Compiler.IL;
using Ebpf.Compiler.Metadata;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// Compiles one static method of integer arithmetic and control flow to BPF. This first code generator keeps
/// every argument, local and evaluation-stack slot in the 512-byte stack frame and computes in r1/r2, which the
/// verifier always accepts; register allocation comes on top of it. Semantics follow C# (unchecked): 32-bit ops
/// for int, 64-bit for long, masked shift counts, sign or zero extension by type. Division by zero follows BPF
/// (x / 0 == 0, x % 0 == x) where C# would throw; the kernel-side library documents this.
/// </summary>
public sealed class FunctionCompiler
{
    private const int MaxStackBytes = 512;
    private const int MaxArguments = 5;

    private readonly AssemblyInput _input;
    private readonly MethodDefinitionHandle _method;
    private readonly string _name;
    private readonly List<Instruction> _code = [];
    private readonly List<(int Index, int ILTarget)> _jumps = [];
    private readonly Dictionary<int, int> _startOf = []; // IL offset -> index of its first BPF instruction
    private readonly Dictionary<int, List<BpfValueType>> _stackAt = []; // evaluation stack at branch targets
    private readonly List<(int Index, SourceLocation Location)> _lines = [];
    private List<BpfValueType> _stack = [];
    private readonly IReadOnlyDictionary<string, MapInfo> _maps;
    private readonly List<(int Index, string Map)> _mapRelocations = [];
    private BpfValueType[] _args = [];
    private BpfValueType[] _locals = [];
    private int _ilOffset;

    private FunctionCompiler(AssemblyInput input, MethodDefinitionHandle method, IReadOnlyDictionary<string, MapInfo>? maps)
    {
        _input = input;
        _method = method;
        _name = input.MethodName(method);
        _maps = maps ?? new Dictionary<string, MapInfo>();
    }

    /// <summary>Compiles a method; <paramref name="maps"/> are the program class's [Map] fields by field name.</summary>
    public static CompiledFunction Compile(AssemblyInput input, MethodDefinitionHandle method, IReadOnlyDictionary<string, MapInfo>? maps = null) =>
        new FunctionCompiler(input, method, maps).Run();

    private static readonly BpfValueType Int32 = new("int", 4, true);
    private static readonly BpfValueType Int64 = new("long", 8, true);
    private static readonly BpfValueType StackPointer = new("pointer", 8, false) { Pointer = true };

    private CompilerException Error(string code, string message) => new(_input.LocationOf(_method, _ilOffset), code, $"{message} (in {_name})");

    private CompiledFunction Run()
    {
        var definition = _input.Metadata.GetMethodDefinition(_method);
        if ((definition.Attributes & System.Reflection.MethodAttributes.Static) == 0)
            throw Error("EBPF010", "only static methods can be compiled to BPF; make the method static");
        var signature = definition.DecodeSignature(ValueTypeProvider.Instance, null);
        _args = [.. signature.ParameterTypes];
        if (_args.Length > MaxArguments)
            throw Error("EBPF011", $"a BPF function takes at most {MaxArguments} arguments, this one takes {_args.Length}; pass a struct by reference instead");
        foreach (var t in _args.Append(signature.ReturnType))
            if (!t.Supported)
                throw Error("EBPF012", $"type '{t}' is not supported here yet; use integer types");
        var il = _input.GetIL(_method, out var body);
        if (!body.LocalSignature.IsNil)
            _locals = [.. _input.Metadata.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(ValueTypeProvider.Instance, null)];
        foreach (var t in _locals)
            if (!t.Supported)
                throw Error("EBPF012", $"a local of type '{t}' is not supported here yet; use integer types");
        var frame = (_args.Length + _locals.Length + body.MaxStack) * 8;
        if (frame > MaxStackBytes)
            throw Error("EBPF013", $"the function needs {frame} bytes of stack, over BPF's {MaxStackBytes}; use fewer locals or split the function");

        var sequencePoints = _input.SequencePoints(_method).ToDictionary(p => p.ILOffset, p => p.Location);
        // Spill the arguments so every value lives at a fixed frame offset.
        for (var i = 0; i < _args.Length; i++)
            Emit(Instruction.StoreMem(MemorySize.DW, Register.R10, ArgOffset(i), (Register)(i + 1)));
        var unreachable = false;
        foreach (var ins in ILDecoder.Decode(il, _name))
        {
            _ilOffset = ins.Offset;
            _startOf[ins.Offset] = _code.Count;
            if (sequencePoints.TryGetValue(ins.Offset, out var location))
                _lines.Add((_code.Count, location));
            if (_stackAt.TryGetValue(ins.Offset, out var known))
                _stack = [.. known];
            else if (unreachable)
                _stack = []; // only reached by a later backward branch: C# leaves the stack empty there
            unreachable = Translate(ins);
        }
        return Finish(body.MaxStack);
    }

    private short ArgOffset(int i) => (short)(-8 * (i + 1));
    private short LocalOffset(int i) => (short)(-8 * (_args.Length + i + 1));
    private short StackOffset(int depth) => (short)(-8 * (_args.Length + _locals.Length + depth + 1));

    private void Emit(Instruction instruction) => _code.Add(instruction);

    private void Push(Register reg, BpfValueType type)
    {
        // An 8-byte spill keeps a pointer's type for the verifier, so a context pointer may live in a slot too.
        Emit(Instruction.StoreMem(MemorySize.DW, Register.R10, StackOffset(_stack.Count), reg));
        _stack.Add(type.Context is not null || type.Map is not null || type.Pointer ? type : type.Size == 8 ? Int64 : Int32);
    }

    private BpfValueType Pop(Register reg)
    {
        if (_stack.Count == 0)
            throw Error("EBPF001", "the evaluation stack is empty; the IL is not valid");
        var type = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        Emit(Instruction.LoadMem(MemorySize.DW, reg, Register.R10, StackOffset(_stack.Count)));
        return type;
    }

    /// <summary>Brings a value loaded from a typed slot into its canonical register form (small ints extended to 32 bits).</summary>
    private void Normalize(Register reg, BpfValueType type)
    {
        switch (type.Size)
        {
            case 1 or 2 when type.Signed: Emit(Instruction.MovSx32(reg, reg, type.Size * 8)); break;
            case 1: Emit(Instruction.Alu32(AluOp.And, reg, 0xff)); break;
            case 2: Emit(Instruction.Alu32(AluOp.And, reg, 0xffff)); break;
        }
    }

    /// <summary>Widens an int32 operand to 64 bits (sign-extending) when the other operand is 64-bit.</summary>
    private bool Widen(BpfValueType a, BpfValueType b, Register ra, Register rb)
    {
        var wide = a.Size == 8 || b.Size == 8;
        if (wide && a.Size != 8) Emit(Instruction.MovSx64(ra, ra, 32));
        if (wide && b.Size != 8) Emit(Instruction.MovSx64(rb, rb, 32));
        return wide;
    }

    private void Jump(int ilTarget, Func<short, Instruction> make)
    {
        _jumps.Add((_code.Count, ilTarget));
        Emit(make(0));
        if (!_stackAt.ContainsKey(ilTarget))
            _stackAt[ilTarget] = [.. _stack];
    }

    /// <summary>Translates one IL instruction; returns true when control never falls through.</summary>
    private bool Translate(ILInstruction ins)
    {
        switch (ins.OpCode)
        {
            case ILOpCode.Nop:
                return false;
            case ILOpCode.Ldarg_0 or ILOpCode.Ldarg_1 or ILOpCode.Ldarg_2 or ILOpCode.Ldarg_3:
                LoadSlot(ArgOffset(ins.OpCode - ILOpCode.Ldarg_0), _args[ins.OpCode - ILOpCode.Ldarg_0]);
                return false;
            case ILOpCode.Ldarg_s or ILOpCode.Ldarg:
                LoadSlot(ArgOffset(CheckArg(ins.Int)), _args[ins.Int]);
                return false;
            case ILOpCode.Starg_s or ILOpCode.Starg:
                StoreSlot(ArgOffset(CheckArg(ins.Int)));
                return false;
            case ILOpCode.Ldloc_0 or ILOpCode.Ldloc_1 or ILOpCode.Ldloc_2 or ILOpCode.Ldloc_3:
                LoadSlot(LocalOffset(ins.OpCode - ILOpCode.Ldloc_0), _locals[ins.OpCode - ILOpCode.Ldloc_0]);
                return false;
            case ILOpCode.Ldloc_s or ILOpCode.Ldloc:
                LoadSlot(LocalOffset(CheckLocal(ins.Int)), _locals[ins.Int]);
                return false;
            case ILOpCode.Stloc_0 or ILOpCode.Stloc_1 or ILOpCode.Stloc_2 or ILOpCode.Stloc_3:
                StoreSlot(LocalOffset(ins.OpCode - ILOpCode.Stloc_0));
                return false;
            case ILOpCode.Stloc_s or ILOpCode.Stloc:
                StoreSlot(LocalOffset(CheckLocal(ins.Int)));
                return false;
            case >= ILOpCode.Ldc_i4_m1 and <= ILOpCode.Ldc_i4_8:
                Emit(Instruction.Mov32(Register.R1, (int)ins.OpCode - (int)ILOpCode.Ldc_i4_0));
                Push(Register.R1, Int32);
                return false;
            case ILOpCode.Ldc_i4_s or ILOpCode.Ldc_i4:
                Emit(Instruction.Mov32(Register.R1, ins.Int));
                Push(Register.R1, Int32);
                return false;
            case ILOpCode.Ldc_i8:
                Emit(ins.Long is >= int.MinValue and <= int.MaxValue ? Instruction.Mov64(Register.R1, (int)ins.Long) : Instruction.LoadImm64(Register.R1, ins.Long));
                Push(Register.R1, Int64);
                return false;
            case ILOpCode.Dup:
            {
                var t = Pop(Register.R1);
                Push(Register.R1, t);
                Push(Register.R1, t);
                return false;
            }
            case ILOpCode.Pop:
                Pop(Register.R1);
                return false;
            case ILOpCode.Add: Binary(AluOp.Add); return false;
            case ILOpCode.Sub: Binary(AluOp.Sub); return false;
            case ILOpCode.Mul: Binary(AluOp.Mul); return false;
            case ILOpCode.And: Binary(AluOp.And); return false;
            case ILOpCode.Or: Binary(AluOp.Or); return false;
            case ILOpCode.Xor: Binary(AluOp.Xor); return false;
            case ILOpCode.Div: Binary(AluOp.Div, signed: true); return false;
            case ILOpCode.Div_un: Binary(AluOp.Div); return false;
            case ILOpCode.Rem: Binary(AluOp.Mod, signed: true); return false;
            case ILOpCode.Rem_un: Binary(AluOp.Mod); return false;
            case ILOpCode.Shl: Shift(AluOp.Lsh); return false;
            case ILOpCode.Shr: Shift(AluOp.Arsh); return false;
            case ILOpCode.Shr_un: Shift(AluOp.Rsh); return false;
            case ILOpCode.Neg:
            {
                var t = Pop(Register.R1);
                Emit(t.Size == 8 ? Instruction.Neg64(Register.R1) : Instruction.Neg32(Register.R1));
                Push(Register.R1, t);
                return false;
            }
            case ILOpCode.Not:
            {
                var t = Pop(Register.R1);
                Emit(t.Size == 8 ? Instruction.Alu64(AluOp.Xor, Register.R1, -1) : Instruction.Alu32(AluOp.Xor, Register.R1, -1));
                Push(Register.R1, t);
                return false;
            }
            case ILOpCode.Conv_i1: Convert(1, true); return false;
            case ILOpCode.Conv_u1: Convert(1, false); return false;
            case ILOpCode.Conv_i2: Convert(2, true); return false;
            case ILOpCode.Conv_u2: Convert(2, false); return false;
            case ILOpCode.Conv_i4 or ILOpCode.Conv_u4: Convert(4, true); return false;
            case ILOpCode.Conv_i8 or ILOpCode.Conv_i: Convert(8, true); return false;
            case ILOpCode.Conv_u8 or ILOpCode.Conv_u: Convert(8, false); return false;
            case ILOpCode.Ceq: Compare(JumpOp.Jeq); return false;
            case ILOpCode.Cgt: Compare(JumpOp.Jsgt); return false;
            case ILOpCode.Cgt_un: Compare(JumpOp.Jgt); return false;
            case ILOpCode.Clt: Compare(JumpOp.Jslt); return false;
            case ILOpCode.Clt_un: Compare(JumpOp.Jlt); return false;
            case ILOpCode.Br or ILOpCode.Br_s:
                Jump(ins.Int, o => Instruction.Goto(o));
                return true;
            case ILOpCode.Brtrue or ILOpCode.Brtrue_s or ILOpCode.Brfalse or ILOpCode.Brfalse_s:
            {
                var t = Pop(Register.R1);
                var op = ins.OpCode is ILOpCode.Brtrue or ILOpCode.Brtrue_s ? JumpOp.Jne : JumpOp.Jeq;
                Jump(ins.Int, o => t.Size == 8 ? Instruction.Jump(op, Register.R1, 0, o) : Instruction.Jump32(op, Register.R1, 0, o));
                return false;
            }
            case ILOpCode.Beq or ILOpCode.Beq_s: CompareBranch(JumpOp.Jeq, ins.Int); return false;
            case ILOpCode.Bne_un or ILOpCode.Bne_un_s: CompareBranch(JumpOp.Jne, ins.Int); return false;
            case ILOpCode.Bge or ILOpCode.Bge_s: CompareBranch(JumpOp.Jsge, ins.Int); return false;
            case ILOpCode.Bge_un or ILOpCode.Bge_un_s: CompareBranch(JumpOp.Jge, ins.Int); return false;
            case ILOpCode.Bgt or ILOpCode.Bgt_s: CompareBranch(JumpOp.Jsgt, ins.Int); return false;
            case ILOpCode.Bgt_un or ILOpCode.Bgt_un_s: CompareBranch(JumpOp.Jgt, ins.Int); return false;
            case ILOpCode.Ble or ILOpCode.Ble_s: CompareBranch(JumpOp.Jsle, ins.Int); return false;
            case ILOpCode.Ble_un or ILOpCode.Ble_un_s: CompareBranch(JumpOp.Jle, ins.Int); return false;
            case ILOpCode.Blt or ILOpCode.Blt_s: CompareBranch(JumpOp.Jslt, ins.Int); return false;
            case ILOpCode.Blt_un or ILOpCode.Blt_un_s: CompareBranch(JumpOp.Jlt, ins.Int); return false;
            case ILOpCode.Switch:
            {
                Pop(Register.R1);
                for (var i = 0; i < ins.Targets!.Length; i++)
                {
                    var index = i;
                    Jump(ins.Targets[i], o => Instruction.Jump32(JumpOp.Jeq, Register.R1, index, o));
                }
                return false;
            }
            case ILOpCode.Ret:
                if (_stack.Count > 0)
                    Pop(Register.R0);
                Emit(Instruction.Exit());
                return true;
            case ILOpCode.Add_ovf or ILOpCode.Add_ovf_un or ILOpCode.Sub_ovf or ILOpCode.Sub_ovf_un or ILOpCode.Mul_ovf or ILOpCode.Mul_ovf_un
                or >= ILOpCode.Conv_ovf_i1_un and <= ILOpCode.Conv_ovf_u_un or >= ILOpCode.Conv_ovf_i1 and <= ILOpCode.Conv_ovf_u8
                or ILOpCode.Conv_ovf_i or ILOpCode.Conv_ovf_u:
                throw Error("EBPF002", "checked arithmetic cannot throw in BPF; remove the checked context (or the <CheckForOverflowUnderflow> setting) for BPF programs");
            case ILOpCode.Newobj or ILOpCode.Newarr or ILOpCode.Box:
                throw Error("EBPF003", "BPF programs cannot allocate; use locals, structs on the stack or maps instead");
            case ILOpCode.Throw or ILOpCode.Rethrow:
                throw Error("EBPF004", "BPF programs cannot throw exceptions; return a verdict instead");
            case ILOpCode.Ldstr:
                throw Error("EBPF005", "strings are not supported in BPF programs; use fixed-size byte buffers");
            case ILOpCode.Call or ILOpCode.Callvirt:
                Call(ins);
                return false;
            case ILOpCode.Ldloca_s or ILOpCode.Ldloca:
                AddressOf(LocalOffset(CheckLocal(ins.Int)));
                return false;
            case ILOpCode.Ldarga_s or ILOpCode.Ldarga:
                AddressOf(ArgOffset(CheckArg(ins.Int)));
                return false;
            case ILOpCode.Ldsfld:
                LoadStaticField(ins.Token);
                return false;
            case ILOpCode.Ldc_r4 or ILOpCode.Ldc_r8 or ILOpCode.Conv_r4 or ILOpCode.Conv_r8 or ILOpCode.Conv_r_un:
                throw Error("EBPF007", "floating point is not available in BPF programs; use integers (e.g. fixed-point)");
            default:
                throw Error("EBPF001", $"'{ins.OpCode.ToString().ToLowerInvariant().Replace('_', '.')}' is not supported by the BPF compiler yet");
        }
    }

    /// <summary>A [Map] field: its address as an LD_IMM64 the object writer relocates against the map's symbol.</summary>
    private void LoadStaticField(int token)
    {
        var handle = System.Reflection.Metadata.Ecma335.MetadataTokens.EntityHandle(token);
        var name = handle.Kind == HandleKind.FieldDefinition ? _input.Metadata.GetString(_input.Metadata.GetFieldDefinition((FieldDefinitionHandle)handle).Name) : "";
        if (!_maps.TryGetValue(name, out var map))
            throw Error("EBPF030", $"static field '{name}' is not a [Map] of the program's class; BPF programs read static data only through maps and constants");
        _mapRelocations.Add((_code.Count, map.Name));
        Emit(Instruction.LoadImm64(Register.R1, 0));
        Push(Register.R1, new BpfValueType("map " + map.Name, 8, false) { Map = map });
    }

    /// <summary>ArrayMap counters: map_lookup_elem, then an atomic add on the value when the index exists; pushes whether it did.</summary>
    private void MapAtomicAdd()
    {
        var depth = _stack.Count - 3;
        var map = _stack[depth].Map ?? throw Error("EBPF031", "Add needs a [Map] field as its map");
        if (map.Type is not (Ebpf.Kernel.MapType.Array or Ebpf.Kernel.MapType.PerCpuArray))
            throw Error("EBPF032", $"Add on map '{map.Name}' ({map.Type}) is not supported by the compiler yet; array maps are");
        Emit(Instruction.LoadMem(MemorySize.DW, Register.R1, Register.R10, StackOffset(depth)));
        Emit(Instruction.Mov64(Register.R2, Register.R10));
        Emit(Instruction.Alu64(AluOp.Add, Register.R2, StackOffset(depth + 1))); // the index slot is the key: 4 bytes, little-endian
        Emit(Instruction.CallHelper(1));
        Emit(Instruction.Mov32(Register.R3, 0));
        Emit(Instruction.Jump(JumpOp.Jeq, Register.R0, 0, 3));
        Emit(Instruction.LoadMem(MemorySize.DW, Register.R1, Register.R10, StackOffset(depth + 2)));
        Emit(Instruction.Atomic(map.ValueSize == 8 ? MemorySize.DW : MemorySize.W, AtomicOp.Add, Register.R0, 0, Register.R1));
        Emit(Instruction.Mov32(Register.R3, 1));
        _stack.RemoveRange(depth, 3);
        Push(Register.R3, Int32);
    }

    /// <summary>A pointer into the frame: every slot is 8 initialized bytes, so helpers may read a key there.</summary>
    private void AddressOf(short offset)
    {
        Emit(Instruction.Mov64(Register.R1, Register.R10));
        Emit(Instruction.Alu64(AluOp.Add, Register.R1, offset));
        Push(Register.R1, StackPointer);
    }

    /// <summary>map_lookup_elem, then whether it found the key.</summary>
    private void MapContainsKey()
    {
        var depth = _stack.Count - 2;
        if (_stack[depth].Map is null)
            throw Error("EBPF031", "ContainsKey needs a [Map] field as its map");
        Emit(Instruction.LoadMem(MemorySize.DW, Register.R1, Register.R10, StackOffset(depth)));
        Emit(Instruction.LoadMem(MemorySize.DW, Register.R2, Register.R10, StackOffset(depth + 1)));
        Emit(Instruction.CallHelper(1));
        Emit(Instruction.Mov32(Register.R3, 1));
        Emit(Instruction.Jump(JumpOp.Jne, Register.R0, 0, 1));
        Emit(Instruction.Mov32(Register.R3, 0));
        _stack.RemoveRange(depth, 2);
        Push(Register.R3, Int32);
    }

    /// <summary>Calls into the kernel-side library: context properties (loads at fixed offsets) and map counters.</summary>
    private void Call(ILInstruction ins)
    {
        var (type, method) = CalledMember(ins.Token);
        if (type == typeof(Ebpf.Kernel.MapCounters) && method == "Add")
        {
            MapAtomicAdd();
            return;
        }
        if (type is { IsGenericTypeDefinition: true } && type.Name.StartsWith("HashMap", StringComparison.Ordinal) && method == "ContainsKey")
        {
            MapContainsKey();
            return;
        }
        if (type is not null && type.IsSubclassOf(typeof(Ebpf.Kernel.BpfContext)) && KernelLibrary.ContextField(type, method) is { } field
            && method.StartsWith("get_", StringComparison.Ordinal))
        {
            var context = Pop(Register.R1);
            if (context.Context is null)
                throw Error("EBPF020", $"{type.Name}.{field.Property.Name} is read from something that is not the program's context");
            LoadContextField(field.Field, field.Property.PropertyType);
            return;
        }
        if (ins.OpCode == ILOpCode.Callvirt)
            throw Error("EBPF006", "virtual and interface calls are not supported in BPF programs; call static methods");
        throw Error("EBPF021", $"the call to {(type?.Name ?? "?")}.{method} is not supported by the BPF compiler yet");
    }

    /// <summary>r1 holds the context pointer: load the field at its constant offset (the verifier's rule) and convert it.</summary>
    private void LoadContextField(Ebpf.Kernel.ContextFieldAttribute field, Type propertyType)
    {
        var size = field.Size switch
        {
            1 => MemorySize.B,
            2 => MemorySize.H,
            4 => MemorySize.W,
            8 => MemorySize.DW,
            _ => throw Error("EBPF022", $"context field {field.Member} ({field.Size} bytes) cannot be read into a register; read it through its span accessor"),
        };
        Emit(Instruction.LoadMem(size, Register.R1, Register.R1, (short)field.Offset));
        switch (field.Conversion)
        {
            case Ebpf.Kernel.ContextFieldConversion.None:
                break;
            case Ebpf.Kernel.ContextFieldConversion.NetworkOrder16:
                Emit(Instruction.ToBigEndian(Register.R1, 16));
                break;
            case Ebpf.Kernel.ContextFieldConversion.NetworkOrder16High:
                Emit(Instruction.ToBigEndian(Register.R1, 32));
                Emit(Instruction.Alu32(AluOp.And, Register.R1, 0xffff));
                break;
            case Ebpf.Kernel.ContextFieldConversion.Low16:
                Emit(Instruction.Alu32(AluOp.And, Register.R1, 0xffff));
                break;
            case Ebpf.Kernel.ContextFieldConversion.High16:
                Emit(Instruction.Alu32(AluOp.Rsh, Register.R1, 16));
                break;
            case Ebpf.Kernel.ContextFieldConversion.Boolean:
                Emit(Instruction.Jump32(JumpOp.Jeq, Register.R1, 0, 1));
                Emit(Instruction.Mov32(Register.R1, 1));
                break;
            default:
                throw Error("EBPF023", $"context field {field.Member} needs the {field.Conversion} conversion, which the compiler does not lower yet");
        }
        var type = propertyType.IsEnum ? Enum.GetUnderlyingType(propertyType) : propertyType;
        Push(Register.R1, System.Runtime.InteropServices.Marshal.SizeOf(type) == 8 ? Int64 : Int32);
    }

    /// <summary>The declaring type (when it is a kernel-side library type) and the name of a called method.</summary>
    private (Type? Type, string Method) CalledMember(int token)
    {
        var md = _input.Metadata;
        var handle = System.Reflection.Metadata.Ecma335.MetadataTokens.EntityHandle(token);
        switch (handle.Kind)
        {
            case HandleKind.MemberReference:
            {
                var member = md.GetMemberReference((MemberReferenceHandle)handle);
                var name = md.GetString(member.Name);
                if (member.Parent.Kind == HandleKind.TypeReference)
                {
                    var parent = md.GetTypeReference((TypeReferenceHandle)member.Parent);
                    return (KernelLibrary.Find(md.GetString(parent.Namespace), md.GetString(parent.Name)), name);
                }
                if (member.Parent.Kind == HandleKind.TypeSpecification) // HashMap<uint, ulong> and friends
                    return (md.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(TypeNameProvider.Instance, null), name);
                return (null, name);
            }
            case HandleKind.MethodDefinition:
                return (null, md.GetString(md.GetMethodDefinition((MethodDefinitionHandle)handle).Name));
            default:
                return (null, $"token 0x{token:x8}");
        }
    }

    private int CheckArg(int index) => index < _args.Length ? index : throw Error("EBPF001", $"argument {index} does not exist");
    private int CheckLocal(int index) => index < _locals.Length ? index : throw Error("EBPF001", $"local {index} does not exist");

    private void LoadSlot(short offset, BpfValueType type)
    {
        Emit(Instruction.LoadMem(MemorySize.DW, Register.R1, Register.R10, offset));
        Normalize(Register.R1, type);
        Push(Register.R1, type);
    }

    private void StoreSlot(short offset)
    {
        Pop(Register.R1);
        Emit(Instruction.StoreMem(MemorySize.DW, Register.R10, offset, Register.R1));
    }

    private void Binary(AluOp op, bool signed = false)
    {
        var b = Pop(Register.R2);
        var a = Pop(Register.R1);
        var wide = Widen(a, b, Register.R1, Register.R2);
        Emit((wide, signed) switch
        {
            (true, true) => Instruction.SignedAlu64(op, Register.R1, Register.R2),
            (true, false) => Instruction.Alu64(op, Register.R1, Register.R2),
            (false, true) => Instruction.SignedAlu32(op, Register.R1, Register.R2),
            _ => Instruction.Alu32(op, Register.R1, Register.R2),
        });
        Push(Register.R1, wide ? Int64 : Int32);
    }

    /// <summary>C# masks the shift count to the operand's width; BPF leaves larger counts undefined.</summary>
    private void Shift(AluOp op)
    {
        Pop(Register.R2);
        var value = Pop(Register.R1);
        if (value.Size == 8)
        {
            Emit(Instruction.Alu64(AluOp.And, Register.R2, 63));
            Emit(Instruction.Alu64(op, Register.R1, Register.R2));
        }
        else
        {
            Emit(Instruction.Alu32(AluOp.And, Register.R2, 31));
            Emit(Instruction.Alu32(op, Register.R1, Register.R2));
        }
        Push(Register.R1, value);
    }

    private void Convert(int size, bool signed)
    {
        var from = Pop(Register.R1);
        switch (size)
        {
            case 1 or 2:
                Normalize(Register.R1, new BpfValueType("", size, signed));
                Push(Register.R1, Int32);
                return;
            case 4:
                if (from.Size == 8) Emit(Instruction.Mov32(Register.R1, Register.R1)); // truncate
                Push(Register.R1, Int32);
                return;
            default:
                if (from.Size != 8) Emit(signed ? Instruction.MovSx64(Register.R1, Register.R1, 32) : Instruction.Mov32(Register.R1, Register.R1));
                Push(Register.R1, Int64);
                return;
        }
    }

    private void Compare(JumpOp op)
    {
        var b = Pop(Register.R2);
        var a = Pop(Register.R1);
        var wide = Widen(a, b, Register.R1, Register.R2);
        Emit(Instruction.Mov32(Register.R3, 1));
        Emit(wide ? Instruction.Jump(op, Register.R1, Register.R2, 1) : Instruction.Jump32(op, Register.R1, Register.R2, 1));
        Emit(Instruction.Mov32(Register.R3, 0));
        Push(Register.R3, Int32);
    }

    private void CompareBranch(JumpOp op, int target)
    {
        var b = Pop(Register.R2);
        var a = Pop(Register.R1);
        var wide = Widen(a, b, Register.R1, Register.R2);
        Jump(target, o => wide ? Instruction.Jump(op, Register.R1, Register.R2, o) : Instruction.Jump32(op, Register.R1, Register.R2, o));
    }

    /// <summary>Resolves branch targets now that every instruction has its slot.</summary>
    private CompiledFunction Finish(int maxStack)
    {
        var code = _code.ToArray();
        var slots = SlotMap.For(code);
        foreach (var (index, ilTarget) in _jumps)
        {
            if (!_startOf.TryGetValue(ilTarget, out var targetIndex))
                throw Error("EBPF001", $"a branch goes to IL_{ilTarget:x4}, which is not an instruction");
            var delta = slots.SlotOf(targetIndex) - slots.SlotOf(index) - 1;
            if (delta is < short.MinValue or > short.MaxValue)
                throw Error("EBPF014", "the function is too large for 16-bit jump offsets; split it into smaller methods");
            code[index] = code[index].WithOffset((short)delta);
        }
        // line_info must cover the first instruction (the argument spills come before the first IL line).
        // One line per instruction (a nop's sequence point shares its index with the next), and one at instruction 0.
        var lines = _lines.GroupBy(l => l.Index).Select(g => g.Last()).ToList();
        if (lines.Count > 0 && lines[0].Index != 0)
            lines.Insert(0, (0, lines[0].Location));
        return new CompiledFunction(_name, code, (_args.Length + _locals.Length + maxStack) * 8, lines) { MapRelocations = _mapRelocations };
    }
}
