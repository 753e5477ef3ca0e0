using System.Reflection;
using System.Reflection.Metadata;
using Ebpf.Asm;
using Ebpf.Compiler.Ir;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;
using Ebpf.Object.Btf;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// A place inside a kernel type reached through a pointer: the pointer (<paramref name="Base"/>), the type it points to
/// (<paramref name="Root"/>), the member indexes of the path as the object's BTF lists them ("0:12:3"), and where the path
/// ends in the layout the program was compiled against (<paramref name="Bits"/> from the root, of <paramref name="Type"/>).
/// An array index is one of the indexes (clang's "0:rlim:7:0"); after a variable one (<paramref name="VariableIndex"/>)
/// the path goes on as if through element 0, and <paramref name="Base"/> already holds the index times the kernel's
/// element size.
/// </summary>
/// <paramref name="AtArray"/>: the path ends at a [KernelArray] member itself, so a member read next is one of element 0.
internal sealed record CoreAccess(int Base, Type Root, IReadOnlyList<int> Indexes, long Bits, Type Type, bool VariableIndex = false, bool AtArray = false)
{
    public string AccessString => string.Join(':', Indexes);
    public short ByteOffset => (short)(Bits / 8);
    public CoreRelocation Relocation(BtfCoreRelocationKind kind) => new(Root, AccessString, kind);
}

/// <summary>
/// CO-RE: fields of kernel types ([KernelType], as <c>ebpf generate btf</c> writes them) read through pointers, each read
/// relocated for the running kernel as clang's <c>preserve_access_index</c> reads are; bitfields; and <see cref="Core"/>'s
/// questions. Program types that hold BTF pointers (tp_btf, fentry/fexit, LSM, iterators) load fields directly; the
/// others read with bpf_probe_read_kernel.
/// </summary>
internal sealed partial class MethodLowering
{
    /// <summary>Fields of BTF-typed pointers are loaded directly (a faulting load gives 0, as the kernel fixes it up).</summary>
    private bool DirectKernelLoads => _owner.ProgramType is Ebpf.BpfProgramType.Tracing or Ebpf.BpfProgramType.Lsm;

    /// <summary>
    /// Direct loads for this access: not past a variable array index, where the verifier refuses a BTF pointer with a
    /// variable offset (a probe read of the computed address is allowed in every tracing program).
    /// </summary>
    private bool DirectLoad(CoreAccess access) => DirectKernelLoads && !access.VariableIndex;

    /// <summary>ldfld, ldflda or stfld of a kernel type's field through a pointer: true when handled here.</summary>
    private bool KernelField(ILOpCode op, FieldInfo field)
    {
        var depth = op == ILOpCode.Stfld ? 1 : 0;
        if (_stack.Count <= depth) return false;
        var obj = Peek(depth);
        var fixedElement = obj.Access is not null && field.Name == "FixedElementField"; // task->comm: the buffer's first byte
        if (!fixedElement && !KernelTypes.IsKernelType(field.DeclaringType)) return false;
        if (obj.Access is null && (obj.Kind != OperandKind.Register || obj.Pointer is PointerKind.Frame or PointerKind.Context))
            return false; // a kernel struct held in the frame or a map value is plain memory
        if (op == ILOpCode.Stfld)
            throw Error("EBPF090", $"{field.DeclaringType!.Name}.{field.Name} is kernel memory, which programs read but do not write; copy the value to a local or a map");
        Pop();
        var access = fixedElement ? obj.Access! with { Type = field.FieldType } : Step(obj, field, field.FieldType);
        if (op == ILOpCode.Ldflda && NextTakesIn() && Layout.IsScalar(field.FieldType))
        {
            // Map.Update(key, task->tgid): C# passes the field by reference to an `in` parameter; a helper reads only
            // the frame, so the value is read (relocated) and stored there.
            var slot = _b.AllocateFrame(8);
            _b.Store(Layout.SizeOf(field.FieldType), Vreg.Frame, slot, ReadKernel(access, field.FieldType));
            Push(Operand.Frame(slot, field.FieldType));
        }
        else if (op == ILOpCode.Ldflda)
        {
            var address = AccessOrAddress(access);
            Push(field.IsDefined(typeof(KernelArrayAttribute), false) ? address.WithArray(access) : address);
        }
        else
            Push(ReadKernel(access, field.FieldType));
        return true;
    }

    /// <summary>A getter of a kernel type that the compiler reads itself (a bitfield, a flexible array), with its receiver on the stack.</summary>
    private bool KernelProperty(MethodBase callee)
    {
        if (!KernelTypes.IsKernelType(callee.DeclaringType) || callee.IsStatic || !callee.Name.StartsWith("get_", StringComparison.Ordinal)) return false;
        var property = callee.DeclaringType!.GetProperty(callee.Name[4..], BindingFlags.Instance | BindingFlags.Public);
        var member = property is null ? null : KernelTypes.MembersOf(callee.DeclaringType).FirstOrDefault(m => m.Source == property);
        if (member is null) return false;
        var obj = Pop();
        if (obj.Access is null && (obj.Kind != OperandKind.Register || obj.Pointer == PointerKind.Frame))
            throw Error("EBPF091", $"{property!.Name} of {callee.DeclaringType.Name} is read through a pointer to kernel memory here (task->{property.Name}); a copy in the frame has no kernel layout to relocate");
        var access = Step(obj, property!, property!.PropertyType, member);
        Push(member.IsBitfield ? ReadBitfield(access, member) : Operand.InRegister(RelocatedAddress(access), property.PropertyType, true, temporary: true));
        return true;
    }

    /// <summary>The access one member further on: from a pointer (a new root) or from an access in progress (nested structs).</summary>
    private CoreAccess Step(Operand obj, MemberInfo source, Type type, KernelTypes.Member? member = null)
    {
        var declaring = source.DeclaringType!;
        member ??= KernelTypes.MembersOf(declaring).FirstOrDefault(m => m.Source.MetadataToken == source.MetadataToken && m.Source.Module == source.Module)
            ?? throw Error("EBPF091", $"{declaring.Name}.{source.Name} is not a member the kernel type describes (a static or compiler-generated field)");
        var atArray = IsStructArray(member);
        // A member of a [KernelArray] member's element without an index (p->rlim.rlim_cur) is one of element 0: BTF
        // has an array there, so the access string needs the index ("0:rlim:0:0", not "0:rlim:0", which is element 0 itself).
        if (obj.Access is { } a)
            return a with { Indexes = a.AtArray ? [.. a.Indexes, 0, member.Index] : [.. a.Indexes, member.Index], Bits = a.Bits + member.BitOffset, Type = type, AtArray = atArray };
        return new CoreAccess(_b.Materialize(obj), declaring, [0, member.Index], member.BitOffset, type, AtArray: atArray);
    }

    /// <summary>
    /// The address of a member: kept symbolic when the next instruction goes on into it (a nested field, a Core question),
    /// else computed now as base + relocated offset.
    /// </summary>
    private Operand AccessOrAddress(CoreAccess access)
    {
        if (NextUsesAccess())
            return Operand.OfKernel(access.Base, access.Type, access.ByteOffset, access);
        return Operand.InRegister(RelocatedAddress(access), access.Type.MakePointerType(), true, temporary: true);
    }

    /// <summary>
    /// A call into the kernel-side library takes this address as an <c>in</c> parameter: the call follows, after only
    /// constants for the parameters behind it (Update's flags).
    /// </summary>
    private bool NextTakesIn()
    {
        var next = _index + 1;
        var constants = 0;
        for (; next < _il.Count && !_labels.ContainsKey(_il[next].Offset); next++)
        {
            if (_il[next].OpCode is >= ILOpCode.Ldc_i4_m1 and <= ILOpCode.Ldc_i8) constants++;
            else if (_il[next].OpCode is not (ILOpCode.Conv_i8 or ILOpCode.Conv_u8 or ILOpCode.Conv_i or ILOpCode.Conv_u)) break;
        }
        if (next >= _il.Count || _il[next].OpCode is not (ILOpCode.Call or ILOpCode.Callvirt) || _labels.ContainsKey(_il[next].Offset)) return false;
        var callee = _owner.ResolveMethod(_method, _il[next].Token);
        var parameters = callee.GetParameters();
        var at = parameters.Length - 1 - constants;
        return callee.DeclaringType?.Assembly == KernelAssembly && callee.DeclaringType != typeof(Core) && at >= 0
            && parameters[at] is { IsOut: false, ParameterType.IsByRef: true } p
            && (p.IsIn || p.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.IsReadOnlyAttribute"));
    }

    private bool NextUsesAccess()
    {
        if (_index + 1 >= _il.Count) return false;
        var next = _il[_index + 1];
        switch (next.OpCode)
        {
            case ILOpCode.Ldfld or ILOpCode.Ldflda or ILOpCode.Stfld:
            {
                var field = _owner.ResolveField(_method, next.Token);
                return KernelTypes.IsKernelType(field.DeclaringType) || field.Name == "FixedElementField";
            }
            case ILOpCode.Call or ILOpCode.Callvirt:
            {
                var callee = _owner.ResolveMethod(_method, next.Token);
                return callee.DeclaringType == typeof(Core) || KernelTypes.IsKernelType(callee.DeclaringType);
            }
            default:
                return false;
        }
    }

    /// <summary>base + the member's offset, the add relocated (FIELD_BYTE_OFFSET).</summary>
    private int RelocatedAddress(CoreAccess access)
    {
        var reg = _b.NewVreg();
        _b.Emit(Instruction.Mov64(0, (Register)0), reg, access.Base);
        _b.Emit(new MachineInstr(Instruction.Alu64(AluOp.Add, 0, access.ByteOffset), reg) { Core = access.Relocation(BtfCoreRelocationKind.FieldByteOffset) });
        return reg;
    }

    /// <summary>A field's value: a relocated load (BTF pointers) or a probe read of the relocated address into the frame.</summary>
    private Operand ReadKernel(CoreAccess access, Type type)
    {
        var offset = FieldOffsetRelocation(access);
        if (!Layout.IsScalar(type))
        {
            // A nested struct by value: its bytes copied to the frame, whatever the program type.
            var size = Layout.SizeOf(type);
            var copy = _b.AllocateFrame(size);
            EmitHelperCall(KernelHelpers.ProbeReadKernel, [Operand.Frame(copy, type), ConstantInt(size), Operand.InRegister(RelocatedAddress(access), typeof(byte*), true, true)]);
            return Operand.Frame(copy, type);
        }
        Operand value;
        if (DirectLoad(access))
        {
            var reg = _b.NewVreg();
            _b.Emit(new MachineInstr(Instruction.LoadMem(FunctionBuilder.SizeOf(Layout.SizeOf(type)), 0, 0, access.ByteOffset), reg, access.Base) { Core = offset });
            value = Extend(reg, type);
        }
        else
        {
            var slot = _b.AllocateFrame(8);
            EmitHelperCall(KernelHelpers.ProbeReadKernel, [Operand.Frame(slot, type), ConstantInt(Layout.SizeOf(type)), Operand.InRegister(RelocatedAddress(access), typeof(byte*), true, true)]);
            value = _b.Load(type, Vreg.Frame, slot);
        }
        // A pointer read from kernel memory is an address to read further, not memory this program may touch directly.
        return type.IsPointer ? Operand.InRegister(value.Reg, type, true, temporary: true) : value;
    }

    private static CoreRelocation FieldOffsetRelocation(CoreAccess access) => access.Relocation(BtfCoreRelocationKind.FieldByteOffset);

    private Operand Extend(int reg, Type type)
    {
        if (Layout.SizeOf(type) < 4 && Layout.IsSigned(type))
            _b.Emit(Instruction.MovSx32(0, 0, Layout.SizeOf(type) * 8), reg, reg);
        return Operand.InRegister(reg, type, Layout.IsWide(type), temporary: true);
    }

    /// <summary>
    /// A bitfield: its bytes loaded (offset and, for probe reads, size relocated), shifted left to bit 63 and back down
    /// (logically or arithmetically by signedness), the shifts relocated too: clang's BPF_CORE_READ_BITFIELD(_PROBED).
    /// </summary>
    private Operand ReadBitfield(CoreAccess access, KernelTypes.Member member)
    {
        var type = member.Type;
        var load = KernelTypes.BitfieldLoad((uint)access.Bits, (uint)member.BitfieldSize, (uint)KernelTypes.SizeOf(type));
        var reg = _b.NewVreg();
        if (DirectLoad(access))
            _b.Emit(new MachineInstr(Instruction.LoadMem(FunctionBuilder.SizeOf((int)load.Size), 0, 0, (short)load.ByteOffset), reg, access.Base) { Core = FieldOffsetRelocation(access) });
        else
        {
            var slot = _b.AllocateFrame(8);
            _b.Emit(Instruction.StoreImm(MemorySize.DW, 0, slot, 0), Vreg.Frame); // fewer bytes than 8 may be read
            var size = _b.NewVreg();
            _b.Emit(new MachineInstr(Instruction.Mov64(0, (int)load.Size), size) { Core = access.Relocation(BtfCoreRelocationKind.FieldByteSize) });
            var address = _b.NewVreg();
            _b.Emit(Instruction.Mov64(0, (Register)0), address, access.Base);
            _b.Emit(new MachineInstr(Instruction.Alu64(AluOp.Add, 0, (int)load.ByteOffset), address) { Core = FieldOffsetRelocation(access) });
            EmitHelperCall(KernelHelpers.ProbeReadKernel, [Operand.Frame(slot, typeof(ulong)), Operand.InRegister(size, typeof(uint), false, false), Operand.InRegister(address, typeof(byte*), true, false)]);
            _b.Emit(Instruction.LoadMem(MemorySize.DW, 0, 0, slot), reg, Vreg.Frame);
        }
        var signed = KernelTypes.IsSigned(type);
        _b.Emit(new MachineInstr(Instruction.Alu64(AluOp.Lsh, 0, (int)load.LShift), reg) { Core = access.Relocation(BtfCoreRelocationKind.FieldLShiftU64) });
        _b.Emit(new MachineInstr(Instruction.Alu64(signed ? AluOp.Arsh : AluOp.Rsh, 0, (int)load.RShift), reg) { Core = access.Relocation(BtfCoreRelocationKind.FieldRShiftU64) });
        if (!Layout.IsWide(type))
            _b.Emit(Instruction.Mov32(0, (Register)0), reg, reg); // 32-bit values are held zero-extended
        return Operand.InRegister(reg, type == typeof(bool) ? typeof(int) : type, Layout.IsWide(type), temporary: true);
    }

    /// <summary>Core.FieldExists and the other questions: one instruction holding this program's answer, relocated.</summary>
    private void CoreQuestion(MethodBase callee)
    {
        var args = PopArguments(callee);
        var generic = callee.IsGenericMethod ? callee.GetGenericArguments()[0] : null;
        var returns = ((MethodInfo)callee).ReturnType;
        (CoreRelocation Relocation, long Local) answer = callee.Name switch
        {
            "FieldExists" or "FieldSize" or "FieldOffset" or "FieldSigned" or "FieldLShift" or "FieldRShift" => FieldQuestion(callee, args, generic!),
            "TypeExists" or "TypeSize" or "TypeMatches" or "TypeIdLocal" or "TypeIdTarget" => TypeQuestion(callee.Name, generic!),
            "EnumValueExists" or "EnumValue" => EnumQuestion(callee.Name, generic!, args[0]),
            _ => throw Error("EBPF021", $"Core.{callee.Name} has no BPF form"),
        };
        var reg = _b.NewVreg();
        // A 32-bit answer is a mov32 (the loader patches either width's immediate); a 64-bit one that needs it, LD_IMM64.
        var template = !Layout.IsWide(returns) ? Instruction.Mov32(0, (int)answer.Local)
            : answer.Local is >= int.MinValue and <= int.MaxValue ? Instruction.Mov64(0, (int)answer.Local) : Instruction.LoadImm64(0, answer.Local);
        _b.Emit(new MachineInstr(template, reg) { Core = answer.Relocation });
        Push(Operand.InRegister(reg, returns == typeof(bool) ? typeof(int) : returns, Layout.IsWide(returns), temporary: true));
    }

    private (CoreRelocation, long) FieldQuestion(MethodBase callee, Operand[] args, Type generic)
    {
        KernelTypes.Member member;
        CoreAccess access;
        if (args[0].Kind == OperandKind.String)
        {
            if (!KernelTypes.IsKernelType(generic))
                throw Error("EBPF091", $"Core.{callee.Name}<{generic.Name}>: {generic.Name} is not a kernel type ([KernelType], as ebpf generate btf writes them)");
            var found = KernelTypes.Find(generic, args[0].Text!)
                ?? throw Error("EBPF091", $"Core.{callee.Name}<{generic.Name}>(\"{args[0].Text}\"): {generic.Name} has no member path '{args[0].Text}'");
            member = found.Last;
            access = new CoreAccess(Vreg.None, generic, found.Indexes, found.BitOffset, member.Type);
        }
        else
        {
            access = args[0].Access ?? throw Error("EBPF091", $"Core.{callee.Name} takes a field of a kernel type reached through a pointer: Core.{callee.Name}(ref task->pid)");
            member = MemberAt(access, out var element);
            if (element) member = member with { ArrayCount = -1 }; // the relocation's answer is one element's
        }
        var size = (uint)KernelTypes.SizeOf(member.Type, member);
        var load = member.IsBitfield ? KernelTypes.BitfieldLoad((uint)access.Bits, (uint)member.BitfieldSize, size) : KernelTypes.BitfieldLoad((uint)access.Bits, size * 8, Math.Max(1, size));
        return callee.Name switch
        {
            "FieldExists" => (access.Relocation(BtfCoreRelocationKind.FieldExists), 1),
            "FieldSize" => (access.Relocation(BtfCoreRelocationKind.FieldByteSize), member.IsBitfield ? load.Size : size),
            "FieldOffset" => (access.Relocation(BtfCoreRelocationKind.FieldByteOffset), member.IsBitfield ? load.ByteOffset : access.Bits / 8),
            "FieldSigned" => (access.Relocation(BtfCoreRelocationKind.FieldSigned), KernelTypes.IsSigned(member.Type) ? 1 : 0),
            "FieldLShift" => (access.Relocation(BtfCoreRelocationKind.FieldLShiftU64), load.LShift),
            _ => (access.Relocation(BtfCoreRelocationKind.FieldRShiftU64), load.RShift),
        };
    }

    /// <summary>The member an access path ends at (for a path ending at an array element, the array member).</summary>
    private static KernelTypes.Member MemberAt(CoreAccess access) => MemberAt(access, out _);

    /// <summary>The member an access path ends at; <paramref name="element"/> when the path goes on to one of its elements.</summary>
    private static KernelTypes.Member MemberAt(CoreAccess access, out bool element)
    {
        var type = access.Root;
        KernelTypes.Member? member = null;
        var indexed = false;
        foreach (var index in access.Indexes.Skip(1))
        {
            if (member is not null && IsStructArray(member) && !indexed)
            {
                indexed = true; // the array index that follows a [KernelArray] member
                continue;
            }
            if (member is not null) type = member.Type;
            member = KernelTypes.MembersOf(type)[index];
            indexed = false;
        }
        element = indexed;
        return member!;
    }

    /// <summary>An array of structs, held by C# as its first element ([KernelArray]): an array index follows it in access strings.</summary>
    private static bool IsStructArray(KernelTypes.Member member) => member.ArrayCount > 0 && member.Source.IsDefined(typeof(KernelArrayAttribute), false);

    private (CoreRelocation, long) TypeQuestion(string name, Type type)
    {
        if (!KernelTypes.IsKernelType(type) && !(type.IsEnum && type.IsDefined(typeof(KernelTypeAttribute))))
            throw Error("EBPF091", $"Core.{name}<{type.Name}>: {type.Name} is not a kernel type ([KernelType], as ebpf generate btf writes them)");
        return name switch
        {
            "TypeExists" => (new CoreRelocation(type, "0", BtfCoreRelocationKind.TypeExists), 1),
            "TypeSize" => (new CoreRelocation(type, "0", BtfCoreRelocationKind.TypeSize), Layout.SizeOf(type)),
            "TypeMatches" => (new CoreRelocation(type, "0", BtfCoreRelocationKind.TypeMatches), 1),
            "TypeIdLocal" => (new CoreRelocation(type, "0", BtfCoreRelocationKind.TypeIdLocal), 0), // the id is set when the object's BTF is written
            _ => (new CoreRelocation(type, "0", BtfCoreRelocationKind.TypeIdTarget), 0),
        };
    }

    private (CoreRelocation, long) EnumQuestion(string name, Type type, Operand value)
    {
        if (!type.IsEnum || !type.IsDefined(typeof(KernelTypeAttribute)))
            throw Error("EBPF091", $"Core.{name}: {type.Name} is not a kernel enum ([KernelType] on an enum, as ebpf generate btf writes them)");
        if (!value.IsConstant)
            throw Error("EBPF091", $"Core.{name} takes an enumerator itself ({type.Name}.X), not a computed value: the loader looks it up by name");
        var fields = type.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.MetadataToken).ToList();
        var signed = Layout.IsSigned(type);
        long Raw(FieldInfo f) => signed ? System.Convert.ToInt64(f.GetRawConstantValue()) : (long)System.Convert.ToUInt64(f.GetRawConstantValue());
        var wanted = Layout.IsWide(type) || signed ? value.Value : value.Value & (Layout.SizeOf(type) == 4 ? 0xffffffffL : (1L << (8 * Layout.SizeOf(type))) - 1);
        var index = fields.FindIndex(f => Raw(f) == wanted);
        if (index < 0)
            throw Error("EBPF091", $"Core.{name}: {value.Value} is not an enumerator of {type.Name}");
        return name == "EnumValueExists"
            ? (new CoreRelocation(type, index.ToString(System.Globalization.CultureInfo.InvariantCulture), BtfCoreRelocationKind.EnumValueExists), 1)
            : (new CoreRelocation(type, index.ToString(System.Globalization.CultureInfo.InvariantCulture), BtfCoreRelocationKind.EnumValue), Raw(fields[index]));
    }
}
