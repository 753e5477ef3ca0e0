using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.CompilerServices;
using Ebpf.Asm;
using Ebpf.Compiler.IL;
using Ebpf.Compiler.Ir;
using Ebpf.Kernel;
using Ebpf.Object.Btf;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Elements of a kernel type's array of structs ([KernelArray], which C# holds as its first element), indexed as
/// <c>Unsafe.Add(ref sig-&gt;rlim, i)</c>: managed runs index real memory with it, and the compiler sees one call whose
/// first argument is the array member. A constant index is a step of the access string ("0:rlim:7:0", as clang writes
/// <c>sig-&gt;rlim[7].rlim_cur</c>), so the loader matches it against the kernel's array. A variable index adds
/// index * the kernel's element size (FIELD_BYTE_SIZE of element 0, relocated: clang bakes in the compiled size), and
/// the path goes on through element 0; the verifier refuses variable offsets on BTF pointers, so reads past it are probe
/// reads in every program type.
/// </summary>
internal sealed partial class MethodLowering
{
    /// <summary>Unsafe.Add(ref p->array, index) on a [KernelArray] member: true when handled here.</summary>
    private bool KernelArrayElement(MethodBase callee)
    {
        if (callee.DeclaringType != typeof(Unsafe) || callee.Name != "Add" || !callee.IsGenericMethod
            || callee.GetParameters() is not [{ ParameterType.IsByRef: true }, { ParameterType: var indexType }]
            || (indexType != typeof(int) && indexType != typeof(nint) && indexType != typeof(nuint))
            || _stack.Count < 2)
            return false;
        if (Peek(1).ArrayOf is not { } array)
        {
            if (!KernelTypes.IsKernelType(callee.GetGenericArguments()[0])) return false;
            throw Error("EBPF092", $"Unsafe.Add over a {callee.GetGenericArguments()[0].Name} indexes an array member of a kernel type named in the call itself: Unsafe.Add(ref p->array, i), not through a ref local or a copy");
        }
        var index = Pop();
        Pop();
        var member = MemberAt(array);
        var element = member.Type;
        var name = $"{member.Source.DeclaringType!.Name}.{member.Source.Name}";
        if (callee.GetGenericArguments()[0] != element)
            throw Error("EBPF092", $"Unsafe.Add<{callee.GetGenericArguments()[0].Name}> over {name}, an array of {element.Name}: index the array as its own element type");
        var size = Layout.SizeOf(element);
        CoreAccess access;
        if (index.IsConstant)
        {
            var k = index.Wide ? index.Value : indexType == typeof(int) ? (int)index.Value : (uint)index.Value;
            if (k < 0 || k >= member.ArrayCount)
                throw Error("EBPF092", $"index {k} is outside {name}, which has {member.ArrayCount} elements (0..{member.ArrayCount - 1})");
            access = array with { Indexes = [.. array.Indexes, (int)k], Bits = array.Bits + k * size * 8, Type = element, AtArray = false };
        }
        else
        {
            RequireBoundedIndex(name, member.ArrayCount);
            var first = array with { Indexes = [.. array.Indexes, 0], Type = element, AtArray = false };
            // base + index * element size: the size is the kernel's (FIELD_BYTE_SIZE of element 0), the index is in
            // 0..count-1 and held zero-extended, so the 64-bit multiply is exact.
            var scaled = _b.NewVreg();
            _b.Emit(new MachineInstr(Instruction.Mov64(0, size), scaled) { Core = first.Relocation(BtfCoreRelocationKind.FieldByteSize) });
            _b.Emit(Instruction.Alu64(AluOp.Mul, 0, (Register)0), scaled, _b.Materialize(index));
            var @base = _b.NewVreg();
            _b.Emit(Instruction.Mov64(0, (Register)0), @base, array.Base);
            _b.Emit(Instruction.Alu64(AluOp.Add, 0, (Register)0), @base, scaled);
            access = first with { Base = @base, VariableIndex = true };
        }
        Push(NextUsesElement() ? Operand.OfKernel(access.Base, element, access.ByteOffset, access)
            : Operand.InRegister(RelocatedAddress(access), element.MakePointerType(), true, temporary: true));
        return true;
    }

    /// <summary>A field, a Core question or a copy of the whole element comes next: the access stays symbolic.</summary>
    private bool NextUsesElement() =>
        NextUsesAccess() || _index + 1 < _il.Count && _il[_index + 1].OpCode == ILOpCode.Ldobj
            && KernelTypes.IsKernelType(_owner.ResolveType(_method, _il[_index + 1].Token));

    /// <summary>
    /// A variable index must be below the array's length where the call is, as the program writes it: <c>i &amp; 15</c>,
    /// <c>(uint)i % 16</c> or <c>Math.Min(u, 15u)</c> as the argument itself (an index past the end would read the kernel's next field, in the
    /// kernel and in managed runs alike, so the program states the bound and both sides keep it).
    /// </summary>
    private void RequireBoundedIndex(string name, int count)
    {
        var at = SkipConversions(_index - 1);
        var bound = at > 0 && !_labels.ContainsKey(_il[at].Offset) && !_labels.ContainsKey(_il[_index].Offset) ? _il[at].OpCode switch
        {
            ILOpCode.And => ILConstant(SkipConversions(at - 1)),
            ILOpCode.Rem_un => ILConstant(SkipConversions(at - 1)) - 1,
            ILOpCode.Call when UnsignedMin(_il[at]) => ILConstant(SkipConversions(at - 1)),
            _ => null,
        } : null;
        if (bound is >= 0 && bound < count) return;
        var mask = (count & (count - 1)) == 0 ? $"i & {count - 1} or " : "";
        throw Error("EBPF093", $"the index into {name} ({count} elements) is not known to be below {count}; write the bound into the argument: Unsafe.Add(ref ..., {mask}(uint)i % {count}), (int)Math.Min((uint)i, {count - 1}u), or a constant index"
            + (bound is { } b ? $" (the bound written, {b}, is past the end)" : ""));
    }

    /// <summary>Math.Min of two unsigned values: the result is at most the constant pushed last.</summary>
    private bool UnsignedMin(ILInstruction call) =>
        _owner.ResolveMethod(_method, call.Token) is { Name: "Min" } m && m.DeclaringType == typeof(Math)
        && m.GetParameters() is [{ ParameterType: var p }, _] && (p == typeof(uint) || p == typeof(ulong) || p == typeof(nuint) || p == typeof(ushort) || p == typeof(byte));

    /// <summary>The first instruction at or before <paramref name="i"/> that is not a conversion nor the target of a branch past it.</summary>
    private int SkipConversions(int i)
    {
        while (i > 0 && _il[i].OpCode is ILOpCode.Conv_i or ILOpCode.Conv_u or ILOpCode.Conv_i4 or ILOpCode.Conv_u4 or ILOpCode.Conv_i8 or ILOpCode.Conv_u8
               && !_labels.ContainsKey(_il[i].Offset))
            i--;
        return i;
    }

    /// <summary>The value an ldc instruction pushes, or null for any other instruction.</summary>
    private long? ILConstant(int i) => i < 0 ? null : _il[i].OpCode switch
    {
        >= ILOpCode.Ldc_i4_m1 and <= ILOpCode.Ldc_i4_8 => (int)_il[i].OpCode - (int)ILOpCode.Ldc_i4_0,
        ILOpCode.Ldc_i4_s or ILOpCode.Ldc_i4 => _il[i].Int,
        ILOpCode.Ldc_i8 => _il[i].Long,
        _ => null,
    };

    /// <summary>A conversion of <c>&amp;p-&gt;array</c> to a pointer keeps the mark, so that indexing it by pointer arithmetic is refused.</summary>
    private void ConvertKeepingArray(Type type)
    {
        var array = _stack.Count > 0 ? Peek(0).ArrayOf : null;
        Convert(type);
        if (array is not null) Push(Pop().WithArray(array));
    }

    /// <summary>
    /// <c>(&amp;p-&gt;array)[i]</c>: C# scales i by the compiled element size, which CO-RE cannot relocate, so it is an
    /// error that names the form that is relocated.
    /// </summary>
    private void RefuseStructArrayArithmetic()
    {
        if (_stack.Count < 2 || (Peek(0).ArrayOf ?? Peek(1).ArrayOf) is not { } array) return;
        var member = MemberAt(array);
        var name = $"{member.Source.DeclaringType!.Name}.{member.Source.Name}";
        throw Error("EBPF092", $"pointer arithmetic on the address of {name}, an array of {member.ArrayCount} {member.Type.Name}, uses the element size this program was compiled with, not the kernel's; index it as Unsafe.Add(ref p->{member.Source.Name}, i)");
    }

    /// <summary>ldobj of a kernel struct reached by an access (a whole array element): its bytes copied to the frame.</summary>
    private bool KernelCopy(Type type)
    {
        if (_stack.Count == 0 || Peek(0).Access is not { } access || !KernelTypes.IsKernelType(type)) return false;
        Pop();
        Push(ReadKernel(access with { Type = type }, type));
        return true;
    }
}
