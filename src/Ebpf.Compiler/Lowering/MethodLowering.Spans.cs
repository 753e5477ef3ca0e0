using System.Reflection;
using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Spans over stack memory: <c>Span&lt;byte&gt; name = stackalloc byte[16];</c>, indexed, measured, and passed to helpers that
/// fill or read a buffer (<c>Bpf.GetCurrentComm(name)</c>). A span is its 16-byte struct in the frame (pointer, length);
/// its length must be known at build time, which the verifier needs for helper buffers and which lets constant indices
/// be checked here. A variable index outside the span ends the program with 0, where .NET throws.
/// </summary>
internal sealed partial class MethodLowering
{
    private const short SpanPointer = 0, SpanLength = 8;

    internal static bool IsSpan(Type? type) =>
        type is { IsGenericType: true } && (type.GetGenericTypeDefinition() == typeof(Span<>) || type.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>));

    /// <summary>localloc of a constant size: zeroed frame bytes (C# zeroes stackalloc memory), as a pointer.</summary>
    private void StackAlloc()
    {
        var size = Pop();
        if (!size.IsConstant || size.Value is <= 0 or > 512)
            throw Error("EBPF003", "stackalloc needs a constant size (at most the 512-byte stack); BPF programs cannot allocate otherwise");
        var offset = _b.AllocateFrame((int)size.Value);
        _b.Zero(Vreg.Frame, offset, (int)size.Value);
        Push(Operand.Frame(offset, typeof(byte)));
    }

    /// <summary>new Span&lt;T&gt;(void* pointer, int length): the pointer and the length written into the span's 16 bytes.</summary>
    private bool NewSpan(MethodBase ctor, Operand[] args)
    {
        if (!IsSpan(ctor.DeclaringType) || ctor.GetParameters() is not [{ ParameterType.IsPointer: true }, { ParameterType: var lengthType }] || lengthType != typeof(int))
            return false;
        if (!args[2].IsConstant)
            throw Error("EBPF068", "a span's length must be a constant (stackalloc T[16]): the verifier needs to know it");
        var type = ctor.DeclaringType!;
        var inPlace = ConstructInPlace(type);
        var destination = inPlace ?? Operand.Frame(_b.AllocateFrame(16), type);
        var (baseReg, at) = BaseOf(destination);
        _b.Store(8, baseReg, (short)(at + SpanPointer), args[1]);
        _b.Store(4, baseReg, (short)(at + SpanLength), args[2]);
        if (destination.Kind == OperandKind.FrameAddress)
            RecordSpanLength(destination.Offset, (int)args[2].Value, merge: true);
        if (inPlace is not null) _index++; // the store is done
        else Push(destination);
        return true;
    }

    /// <summary>The build-time length (in elements) of the span whose struct is at <paramref name="span"/>.</summary>
    private int KnownLength(Operand span)
    {
        if (span.Kind == OperandKind.FrameAddress && SpanLengthAt(span.Offset) is var length and >= 0)
            return length;
        throw Error("EBPF068", "this span's length is not known at build time; spans in BPF programs come from stackalloc of a constant size, held in one local");
    }

    /// <summary>The length of the span in the slot at <paramref name="offset"/> here: this block's last write, else the one length every write gave (-1: none known).</summary>
    private int SpanLengthAt(short offset) =>
        _owner.SpanLastWrite.TryGetValue(offset, out var last) && last.Block == _b.Current ? last.Length
        : _owner.SpanLengths.TryGetValue(offset, out var length) ? length : -1;

    /// <summary>A span of <paramref name="length"/> written to the slot at <paramref name="offset"/>; merged, a different length makes the slot's one length unknown.</summary>
    private void RecordSpanLength(short offset, int length, bool merge)
    {
        _owner.SpanLengths[offset] = merge && _owner.SpanLengths.TryGetValue(offset, out var known) && known != length ? -1 : length;
        _owner.SpanLastWrite[offset] = (_b.Current, length);
    }

    /// <summary>Span members: Length, the indexer, and the Span-to-ReadOnlySpan conversion.</summary>
    private bool SpanMember(MethodBase callee)
    {
        if (!IsSpan(callee.DeclaringType)) return false;
        var element = callee.DeclaringType!.GetGenericArguments()[0];
        switch (callee.Name)
        {
            case "get_Length":
                Push(ConstantInt(KnownLength(Pop())));
                return true;
            case "op_Implicit" when callee.GetParameters() is [{ ParameterType: var from }] && IsSpan(from):
                return true; // same layout: the span value stands for itself
            case "get_Item":
            {
                var index = Pop();
                var span = Pop();
                var length = KnownLength(span);
                var pointer = _b.NewVreg();
                var (baseReg, at) = BaseOf(span);
                _b.Emit(Instruction.LoadMem(MemorySize.DW, 0, 0, (short)(at + SpanPointer)), pointer, baseReg);
                var size = Layout.SizeOf(element);
                if (index.IsConstant)
                {
                    if ((int)index.Value < 0 || (int)index.Value >= length)
                        throw Error("EBPF075", $"index {(int)index.Value} is outside the {length}-element span");
                    Push(Operand.InRegister(pointer, element, true, temporary: false, PointerKind.Frame).Displaced((int)index.Value * size, element));
                    return true;
                }
                // Checked against the length; outside it, the program ends with 0 (.NET throws IndexOutOfRangeException).
                var i = _b.Writable(index);
                var inside = _b.Function.CreateBlock("span.inside");
                _b.JumpIf(JumpOp.Jlt, true, i, ConstantInt(length), inside);
                _b.LoadConstant(0, 0, wide: false);
                _b.Exit();
                _b.StartBlock(inside, fallThrough: false);
                if (size > 1) _b.Emit(Instruction.Alu64(AluOp.Mul, 0, size), i);
                _b.Emit(Instruction.Alu64(AluOp.Add, 0, (Register)0), pointer, i);
                Push(Operand.InRegister(pointer, element, true, temporary: true, PointerKind.Frame));
                return true;
            }
            default:
                throw Error("EBPF068", $"Span.{callee.Name} is not available in BPF programs; index it, take its Length, or pass it to a helper");
        }
    }

    /// <summary>A span argument of a helper: its pointer, then its size in bytes (a build-time constant).</summary>
    private IEnumerable<Operand> SpanArguments(Operand span, Type spanType)
    {
        var length = KnownLength(span) * Layout.SizeOf(spanType.GetGenericArguments()[0]);
        var (baseReg, at) = BaseOf(span);
        var pointer = _b.NewVreg();
        _b.Emit(Instruction.LoadMem(MemorySize.DW, 0, 0, (short)(at + SpanPointer)), pointer, baseReg);
        return [Operand.InRegister(pointer, typeof(byte), true, temporary: false, PointerKind.Frame), Operand.Constant(length, true)];
    }
}
