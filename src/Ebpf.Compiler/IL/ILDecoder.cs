using System.Reflection.Metadata;

namespace Ebpf.Compiler.IL;

/// <summary>Decodes a method body's CIL bytes into instructions; malformed bodies raise <see cref="CompilerException"/>.</summary>
internal static class ILDecoder
{
    public static IReadOnlyList<ILInstruction> Decode(ReadOnlySpan<byte> il, string method)
    {
        var result = new List<ILInstruction>();
        var pos = 0;
        while (pos < il.Length)
        {
            var start = pos;
            int code = il[pos++];
            if (code == 0xfe)
            {
                if (pos >= il.Length)
                    throw Truncated(method, start);
                code = 0xfe00 | il[pos++];
            }
            var op = (ILOpCode)code;
            var kind = OperandKindOf(op);
            var ins = new ILInstruction(start, op, 0);
            switch (kind)
            {
                case OperandKind.None:
                    break;
                case OperandKind.Int8:
                    ins = ins with { Int = (sbyte)Read(il, ref pos, 1, method, start) };
                    break;
                case OperandKind.UInt8:
                    ins = ins with { Int = (byte)Read(il, ref pos, 1, method, start) };
                    break;
                case OperandKind.UInt16:
                    ins = ins with { Int = (ushort)Read(il, ref pos, 2, method, start) };
                    break;
                case OperandKind.Int32:
                    ins = ins with { Int = (int)Read(il, ref pos, 4, method, start) };
                    break;
                case OperandKind.Token:
                    ins = ins with { Token = (int)Read(il, ref pos, 4, method, start) };
                    break;
                case OperandKind.Int64:
                    ins = ins with { Long = Read(il, ref pos, 8, method, start) };
                    break;
                case OperandKind.Float32:
                    ins = ins with { Double = BitConverter.Int32BitsToSingle((int)Read(il, ref pos, 4, method, start)) };
                    break;
                case OperandKind.Float64:
                    ins = ins with { Double = BitConverter.Int64BitsToDouble(Read(il, ref pos, 8, method, start)) };
                    break;
                case OperandKind.ShortBranch:
                {
                    var delta = (sbyte)Read(il, ref pos, 1, method, start);
                    ins = ins with { Int = pos + delta };
                    break;
                }
                case OperandKind.Branch:
                {
                    var delta = (int)Read(il, ref pos, 4, method, start);
                    ins = ins with { Int = pos + delta };
                    break;
                }
                case OperandKind.Switch:
                {
                    var count = (uint)Read(il, ref pos, 4, method, start);
                    if (count > (uint)(il.Length - pos) / 4)
                        throw Truncated(method, start);
                    var deltas = new int[count];
                    for (var i = 0; i < count; i++)
                        deltas[i] = (int)Read(il, ref pos, 4, method, start);
                    ins = ins with { Targets = deltas.Select(d => pos + d).ToArray() };
                    break;
                }
            }
            result.Add(ins with { Size = pos - start });
        }
        return result;
    }

    private static long Read(ReadOnlySpan<byte> il, ref int pos, int size, string method, int start)
    {
        if (pos + size > il.Length)
            throw Truncated(method, start);
        long value = 0;
        for (var i = size - 1; i >= 0; i--)
            value = (value << 8) | il[pos + i];
        pos += size;
        // Sign-extend 4-byte values so int32 immediates keep their sign; callers narrow as the opcode says.
        return size == 4 ? (int)value : value;
    }

    private static CompilerException Truncated(string method, int offset) =>
        new($"the IL of {method} is truncated at IL_{offset:x4}; the assembly is damaged, rebuild it");

    /// <summary>How the opcode's operand is encoded.</summary>
    public static OperandKind OperandKindOf(ILOpCode op) => op switch
    {
        ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s or ILOpCode.Stloc_s
            or ILOpCode.Unaligned => OperandKind.UInt8,
        ILOpCode.Ldc_i4_s => OperandKind.Int8,
        ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Stloc => OperandKind.UInt16,
        ILOpCode.Ldc_i4 => OperandKind.Int32,
        ILOpCode.Ldc_i8 => OperandKind.Int64,
        ILOpCode.Ldc_r4 => OperandKind.Float32,
        ILOpCode.Ldc_r8 => OperandKind.Float64,
        ILOpCode.Switch => OperandKind.Switch,
        ILOpCode.Jmp or ILOpCode.Call or ILOpCode.Calli or ILOpCode.Callvirt or ILOpCode.Cpobj or ILOpCode.Ldobj or ILOpCode.Ldstr
            or ILOpCode.Newobj or ILOpCode.Castclass or ILOpCode.Isinst or ILOpCode.Unbox or ILOpCode.Ldfld or ILOpCode.Ldflda
            or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Stsfld or ILOpCode.Stobj or ILOpCode.Box
            or ILOpCode.Newarr or ILOpCode.Ldelema or ILOpCode.Ldelem or ILOpCode.Stelem or ILOpCode.Unbox_any
            or ILOpCode.Refanyval or ILOpCode.Mkrefany or ILOpCode.Ldtoken or ILOpCode.Ldftn or ILOpCode.Ldvirtftn
            or ILOpCode.Initobj or ILOpCode.Constrained or ILOpCode.Sizeof => OperandKind.Token,
        _ when op.IsBranch() => op.GetBranchOperandSize() == 1 ? OperandKind.ShortBranch : OperandKind.Branch,
        _ => OperandKind.None,
    };
}
