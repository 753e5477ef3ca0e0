using System.Reflection;
using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Lowering;

internal sealed partial class MethodLowering
{
    private Operand LoadSlot(LocalSlot slot)
    {
        if (slot.Bound is { } bound) return bound;
        if (slot.PacketView) return Operand.InRegister(slot.Reg, slot.Type, true, temporary: false, PointerKind.MapValue);
        if (slot.InFrame)
            return Layout.IsScalar(slot.Type) ? _b.Load(slot.Type, Vreg.Frame, slot.FrameOffset, PointerOf(slot)) : Operand.Frame(slot.FrameOffset, slot.Type);
        return RegisterValue(slot.Reg, slot.Type, PointerOf(slot), temporary: false);
    }

    private static PointerKind PointerOf(LocalSlot slot) =>
        slot.Pointer != PointerKind.None ? slot.Pointer : slot.Type.IsByRef || slot.Type.IsPointer ? PointerKind.MapValue : PointerKind.None;

    /// <summary>A register operand; an address is typed by what it points to.</summary>
    private static Operand RegisterValue(int reg, Type type, PointerKind pointer, bool temporary) =>
        pointer != PointerKind.None && (type.IsByRef || type.IsPointer)
            ? Operand.InRegister(reg, type.GetElementType()!, true, temporary, pointer)
            : Operand.InRegister(reg, type, Layout.IsWide(type), temporary, pointer);

    private Operand AddressOfSlot(LocalSlot slot)
    {
        if (slot.Bound is not null)
            throw Error("EBPF063", $"the address of parameter '{slot.Name}' is taken while it stands for the caller's value; copy it to a local first");
        return slot.InFrame ? Operand.Frame(slot.FrameOffset, slot.Type) : Operand.AddressOf(slot);
    }

    /// <summary>
    /// A local kept in a register reached a use that needs its address in memory: <see cref="EscapeAnalysis"/> should have
    /// put it in the frame before lowering. A compiler bug, not the program's.
    /// </summary>
    private InvalidOperationException Unforeseen(LocalSlot slot) =>
        new($"the escape analysis missed that '{slot.Name}' in {Name} needs an address (at IL offset {(_index < _il.Count ? _il[_index].Offset : 0)}); please report this program");

    private void StoreSlot(LocalSlot slot, Operand value)
    {
        if (slot.Bound is not null)
            throw Error("EBPF063", $"parameter '{slot.Name}' is written while it stands for the caller's value");
        if (slot.InFrame)
        {
            StoreTo(slot, value);
            return;
        }
        if (value.Kind == OperandKind.LocalAddress)
            throw Unforeseen(value.Local!);
        ProtectStackFrom(slot.Reg);
        if (value.Kind == OperandKind.FrameAddress) slot.Pointer = PointerKind.Frame;
        else if (value.Pointer != PointerKind.None) slot.Pointer = value.Pointer;
        _b.MoveInto(slot.Reg, value);
    }

    /// <summary>A value on the stack that still reads a local's register keeps its old value: copy it before the local changes.</summary>
    private void ProtectStackFrom(int reg)
    {
        for (var i = 0; i < _stack.Count; i++)
        {
            var o = _stack[i];
            var reads = o.Kind == OperandKind.Register && o.Reg == reg
                || o.Kind == OperandKind.Condition && (o.Left!.Kind == OperandKind.Register && o.Left.Reg == reg || o.Right!.Kind == OperandKind.Register && o.Right.Reg == reg);
            if (!reads) continue;
            var copy = _b.NewVreg();
            _b.MoveInto(copy, o.Kind == OperandKind.Condition ? o : o.Shared());
            _stack[i] = o.Kind == OperandKind.Condition
                ? Operand.InRegister(copy, typeof(bool), false, true)
                : Operand.InRegister(copy, o.Type, o.Wide, true, o.Pointer);
        }
    }

    private void StoreTo(LocalSlot slot, Operand value) => StoreThrough(Operand.Frame(slot.FrameOffset, slot.Type), slot.Type, value);

    /// <summary>Where a load or store through an address operand goes.</summary>
    private Operand Address(Operand o)
    {
        if (o.Kind is OperandKind.FrameAddress or OperandKind.LocalAddress) return o;
        if (o.Kind == OperandKind.Register) return o.Pointer == PointerKind.None ? RegisterValue(o.Reg, typeof(byte*), PointerKind.MapValue, false) : o;
        throw Error("EBPF064", $"{o} is not an address");
    }

    private Operand FieldAddress(Operand obj, FieldInfo field)
    {
        if (obj.Kind == OperandKind.Register && obj.Pointer == PointerKind.Context)
            throw Error("EBPF020", $"field {field.Name} of the context is private to the library; use its properties");
        if (obj.Kind == OperandKind.LocalAddress && obj.Local!.PacketView)
            obj = LoadSlot(obj.Local);
        if (obj.Kind == OperandKind.LocalAddress)
            throw Unforeseen(obj.Local!);
        return Address(obj).Displaced(Layout.OffsetOf(field), field.FieldType);
    }

    /// <summary>Reads a value of <paramref name="type"/> at an address: a scalar into a register, a struct as its address (copied when stored).</summary>
    private Operand LoadFrom(Operand address, Type type)
    {
        if (address.Kind == OperandKind.LocalAddress)
            return LoadSlot(address.Local!);
        if (!Layout.IsScalar(type))
            return address.Displaced(0, type);
        if (type == typeof(object)) type = typeof(nint);
        var pointer = type.IsByRef || type.IsPointer ? PointerKind.MapValue : PointerKind.None;
        var (baseReg, offset) = BaseOf(address);
        var loaded = _b.Load(type, baseReg, offset, pointer);
        return pointer == PointerKind.None ? loaded : RegisterValue(loaded.Reg, type, pointer, true);
    }

    private (int Reg, short Offset) BaseOf(Operand address) => address.Kind switch
    {
        OperandKind.FrameAddress => (Vreg.Frame, address.Offset),
        OperandKind.Register => (address.Reg, address.Offset),
        _ => throw Error("EBPF064", $"{address} is not an address"),
    };

    /// <summary>Writes <paramref name="value"/> (null: zeroes) of <paramref name="type"/> at an address.</summary>
    private void StoreThrough(Operand address, Type type, Operand? value)
    {
        if (address.Kind == OperandKind.LocalAddress)
        {
            var slot = address.Local!;
            if (slot.PacketView) throw Error("EBPF001", $"'{slot.Name}' reads the packet and cannot be written");
            if (slot.InFrame) { StoreTo(slot, value ?? Operand.Constant(0, Layout.IsWide(type))); return; }
            StoreSlot(slot, value ?? Operand.Constant(0, Layout.IsWide(type)));
            return;
        }
        if (value?.Kind == OperandKind.LocalAddress)
            throw Unforeseen(value.Local!);
        var (baseReg, offset) = BaseOf(address);
        var size = Layout.SizeOf(type);
        if (value is null)
        {
            _b.Zero(baseReg, offset, size);
            return;
        }
        if (Layout.IsScalar(type))
        {
            if (value.Kind == OperandKind.Condition)
                value = Operand.InRegister(_b.SetCondition(value), typeof(bool), false, true);
            _b.Store(size, baseReg, offset, value);
            return;
        }
        // A struct: copy its bytes from wherever the value lives.
        if (value.Kind == OperandKind.Constant && value.Value == 0) { _b.Zero(baseReg, offset, size); return; }
        var (srcReg, srcOffset) = BaseOf(value);
        if (srcReg == baseReg && srcOffset == offset) return;
        _b.Copy(baseReg, offset, srcReg, srcOffset, size);
        if (IsSpan(type) && address.Kind == OperandKind.FrameAddress) // the copy has the length of what it copies
            RecordSpanLength(address.Offset, value.Kind == OperandKind.FrameAddress ? SpanLengthAt(value.Offset) : -1, merge: false);
    }

    /// <summary>A global variable's address: an LD_IMM64 the writer relocates against the variable in .data or .bss.</summary>
    private Operand GlobalAddress(FieldInfo field)
    {
        var reg = _b.NewVreg();
        _b.Emit(new MachineInstr(Instruction.LoadImm64(0, 0), reg) { GlobalVariable = field.Name });
        return Operand.InRegister(reg, field.FieldType, true, temporary: false, PointerKind.MapValue);
    }

    internal Operand LoadGlobal(FieldInfo field) => LoadFrom(GlobalAddress(field), field.FieldType);

    /// <summary>
    /// Where a struct being constructed goes when the next instruction only stores it (stfld, stobj, or stloc into a
    /// frame local) and no constructor argument reads memory that could be that destination; else null.
    /// </summary>
    private Operand? ConstructInPlace(Type type)
    {
        if (_index + 1 >= _il.Count) return null;
        var next = _il[_index + 1];
        if (_labels.ContainsKey(next.Offset) || _stack.Any(o => o.Kind == OperandKind.Condition)) return null;
        Operand? destination = null;
        switch (next.OpCode)
        {
            case System.Reflection.Metadata.ILOpCode.Stfld:
            {
                var field = _owner.ResolveField(_method, next.Token);
                if (field.FieldType != type || _stack.Count == 0 || Peek() is not { Kind: OperandKind.FrameAddress or OperandKind.Register } target || target.Kind == OperandKind.Register && target.Pointer == PointerKind.None)
                    return null;
                destination = FieldAddress(Pop(), field);
                break;
            }
            case System.Reflection.Metadata.ILOpCode.Stobj:
                if (_owner.ResolveType(_method, next.Token) != type || _stack.Count == 0 || Peek() is not { Kind: OperandKind.FrameAddress } frame)
                    return null;
                destination = Pop();
                break;
            case System.Reflection.Metadata.ILOpCode.Stloc or System.Reflection.Metadata.ILOpCode.Stloc_s
                or >= System.Reflection.Metadata.ILOpCode.Stloc_0 and <= System.Reflection.Metadata.ILOpCode.Stloc_3:
            {
                var index = next.OpCode is System.Reflection.Metadata.ILOpCode.Stloc or System.Reflection.Metadata.ILOpCode.Stloc_s ? next.Int : next.OpCode - System.Reflection.Metadata.ILOpCode.Stloc_0;
                var slot = Local(index);
                if (!slot.InFrame || slot.Type != type) return null;
                destination = Operand.Frame(slot.FrameOffset, type);
                break;
            }
        }
        return destination;
    }

    /// <summary><c>new S(...)</c> of a struct: a frame temporary, zeroed, its constructor inlined with `this` pointing at it.</summary>
    private void NewObject(int token)
    {
        var ctor = _owner.ResolveMethod(_method, token);
        var type = ctor.DeclaringType!;
        if (IsLogMessage(type))
        {
            NewLogMessage((ConstructorInfo)ctor);
            return;
        }
        if (!type.IsValueType)
            throw Error("EBPF003", $"new {type.Name}(...) allocates; BPF programs cannot allocate: use a struct, a local or a map");
        var count = ctor.GetParameters().Length;
        var args = new Operand[count + 1];
        for (var i = count; i >= 1; i--) args[i] = Pop();
        if (NewSpan(ctor, args))
            return;
        if (args.Skip(1).All(a => !a.IsAddress && a.Kind != OperandKind.String) && ConstructInPlace(type) is { } destination)
        {
            // `x.F = new S(...)` or `s = new S(...)`: built where it is stored, with no temporary to copy.
            var (baseReg, at) = BaseOf(destination);
            _b.Zero(baseReg, at, Layout.SizeOf(type));
            args[0] = destination;
            Inline(ctor, args);
            _index++; // the store is done
            return;
        }
        var offset = _b.AllocateFrame(Layout.SizeOf(type));
        _b.Zero(Vreg.Frame, offset, Layout.SizeOf(type));
        args[0] = Operand.Frame(offset, type);
        Inline(ctor, args);
        Push(Operand.Frame(offset, type));
    }
}
