using Ebpf.Asm;
using Ebpf.Compiler.CodeGen;

namespace Ebpf.Compiler.Lowering;

internal enum OperandKind
{
    /// <summary>A constant not yet in a register: folded, or used as an instruction's immediate.</summary>
    Constant,
    /// <summary>A value in a (virtual) register.</summary>
    Register,
    /// <summary>A comparison not yet materialised: a branch uses it directly, anything else gets 0 or 1.</summary>
    Condition,
    /// <summary>The address r10 + offset (a local, argument or temporary in the frame).</summary>
    FrameAddress,
    /// <summary>The address of a local kept in a register: reads and writes through it go to that register.</summary>
    LocalAddress,
    /// <summary>A [Map] field: an LD_IMM64 of the map when it reaches a register.</summary>
    Map,
    /// <summary>A string literal: only a compile-time constant intrinsic may take it.</summary>
    String,
}

/// <summary>What a register's pointer points to, as the verifier will see it.</summary>
internal enum PointerKind
{
    None,
    Context,
    /// <summary>A map lookup's result before the null check.</summary>
    MapValue,
    Frame,
}

/// <summary>One entry of the IL evaluation stack during lowering.</summary>
internal sealed class Operand
{
    public OperandKind Kind { get; private init; }

    /// <summary>The CLR type of the value where known (int for int32 arithmetic results).</summary>
    public Type Type { get; init; } = typeof(int);

    /// <summary>Held as 64 bits (long, native int, pointers); otherwise a 32-bit value, zero-extended in its register.</summary>
    public bool Wide { get; init; }

    public long Value { get; private init; }
    public int Reg { get; private init; }

    /// <summary>A register no one else reads: an operation may overwrite it instead of copying.</summary>
    public bool Temporary { get; init; }

    public PointerKind Pointer { get; init; }

    /// <summary>A context's address family as the kernel holds it (AF_INET6 = 10): only a comparison with a constant may follow, which is folded.</summary>
    public bool KernelFamily { get; init; }

    public short Offset { get; private init; }
    public LocalSlot? Local { get; private init; }
    public MapInfo? Map { get; private init; }
    public string? Text { get; private init; }

    public JumpOp Condition { get; private init; }
    public bool ConditionWide { get; private init; }
    public Operand? Left { get; private init; }
    public Operand? Right { get; private init; }

    public bool IsConstant => Kind == OperandKind.Constant;
    public bool IsAddress => Kind is OperandKind.FrameAddress or OperandKind.LocalAddress || Pointer != PointerKind.None;

    public static Operand Constant(long value, bool wide) =>
        new() { Kind = OperandKind.Constant, Value = wide ? value : (uint)(int)value, Wide = wide, Type = wide ? typeof(long) : typeof(int) };

    public static Operand InRegister(int reg, Type type, bool wide, bool temporary, PointerKind pointer = PointerKind.None) =>
        new() { Kind = OperandKind.Register, Reg = reg, Type = type, Wide = wide || pointer != PointerKind.None, Temporary = temporary, Pointer = pointer };

    /// <summary>A register with a context's raw AF_* value (see <see cref="KernelFamily"/>).</summary>
    public static Operand Family(int reg) => new() { Kind = OperandKind.Register, Reg = reg, Type = typeof(int), Temporary = true, KernelFamily = true };

    public static Operand Compare(JumpOp op, bool wide, Operand left, Operand right) =>
        new() { Kind = OperandKind.Condition, Condition = op, ConditionWide = wide, Left = left, Right = right, Type = typeof(bool) };

    public static Operand Frame(short offset, Type pointee) =>
        new() { Kind = OperandKind.FrameAddress, Offset = offset, Type = pointee, Wide = true };

    public static Operand AddressOf(LocalSlot local) =>
        new() { Kind = OperandKind.LocalAddress, Local = local, Type = local.Type, Wide = true };

    public static Operand OfMap(MapInfo map) => new() { Kind = OperandKind.Map, Map = map, Wide = true, Type = typeof(object) };

    public static Operand OfString(string text) => new() { Kind = OperandKind.String, Text = text, Wide = true, Type = typeof(string) };

    /// <summary>An address <paramref name="delta"/> bytes further on (a field of a struct), pointing at <paramref name="pointee"/>.</summary>
    public Operand Displaced(int delta, Type pointee) => Kind switch
    {
        OperandKind.FrameAddress => Frame((short)(Offset + delta), pointee),
        OperandKind.Register => new() { Kind = OperandKind.Register, Reg = Reg, Type = pointee, Wide = true, Pointer = Pointer, Offset = (short)(Offset + delta) },
        _ => throw new InvalidOperationException($"{this} is not an address"),
    };

    /// <summary>A member of a kernel type reached through the pointer in <see cref="Reg"/> (CO-RE), until the next instruction reads it.</summary>
    internal CoreAccess? Access { get; private init; }

    /// <summary>
    /// The address of a kernel type's [KernelArray] member (its first element, as C# holds it): the access that reached
    /// it, kept so that <c>Unsafe.Add(ref p-&gt;array, i)</c> can index the kernel's array with relocations.
    /// </summary>
    internal CoreAccess? ArrayOf { get; private init; }

    /// <summary>The same operand, marked as the address of the array member <paramref name="array"/> reaches.</summary>
    internal Operand WithArray(CoreAccess array) =>
        new() { Kind = Kind, Reg = Reg, Type = Type, Wide = Wide, Temporary = Temporary, Pointer = Pointer, Offset = Offset, Access = Access, ArrayOf = array };

    internal static Operand OfKernel(int baseReg, Type type, short offset, CoreAccess access) =>
        new() { Kind = OperandKind.Register, Reg = baseReg, Type = type, Wide = true, Pointer = PointerKind.MapValue, Offset = offset, Access = access };

    /// <summary>The same register operand, no longer single-use (after <c>dup</c>).</summary>
    public Operand Shared() => Kind == OperandKind.Register && Temporary
        ? new() { Kind = OperandKind.Register, Reg = Reg, Type = Type, Wide = Wide, Pointer = Pointer, Offset = Offset }
        : this;

    public override string ToString() => Kind switch
    {
        OperandKind.Constant => $"#{Value}",
        OperandKind.Register => $"v{Reg}:{Type.Name}{(Pointer == PointerKind.None ? "" : "*" + Pointer)}",
        OperandKind.Condition => $"({Left} {Condition} {Right})",
        OperandKind.FrameAddress => $"&fp{Offset}",
        OperandKind.LocalAddress => $"&{Local}",
        OperandKind.Map => $"map {Map!.Name}",
        _ => $"\"{Text}\"",
    };
}

/// <summary>An argument or local of one lowered method: in a virtual register, or (structs, address-taken values) in the frame.</summary>
internal sealed class LocalSlot(string name, Type type)
{
    public string Name { get; } = name;
    public Type Type { get; } = type;
    public int Reg { get; set; } = Ir.Vreg.None;
    public short FrameOffset { get; set; }
    public bool InFrame { get; set; }
    public PointerKind Pointer { get; set; }

    /// <summary>
    /// A struct local filled once by TryLoad and then only read: it is a pointer (Reg) to the packet bytes, or to a
    /// zeroed frame copy (FrameOffset) when the load failed, instead of a frame copy of the header.
    /// </summary>
    public bool PacketView { get; set; }

    /// <summary>An inlined method's parameter that stands for the caller's operand (never written by the callee).</summary>
    public Operand? Bound { get; set; }

    /// <summary>A LogMessage local: the record its line is built in (it has no register or frame slot of its own).</summary>
    internal MethodLowering.LogRecord? Log { get; set; }

    public override string ToString() => Name;
}
