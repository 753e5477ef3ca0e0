using System.Globalization;
using System.Text;

namespace Ebpf.Asm;

/// <summary>One disassembled instruction: its first slot index, its raw bytes (8 or 16) and its text.</summary>
public readonly record struct DisassembledLine(int Slot, byte[] Bytes, string Text)
{
    /// <summary>The bytes as llvm-objdump prints them: lower-case hex pairs separated by spaces.</summary>
    public string HexBytes => string.Join(' ', Bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}

/// <summary>
/// Text of instructions in the syntax of <c>llvm-objdump-14 -d --mattr=+alu32</c>, character for character
/// (without the <c>&lt;symbol+0x..&gt;</c> annotation llvm appends to jumps). Encodings llvm-14 does not
/// know but 6.x kernels accept (cpu v4, BPF_ST, jset, mod, may_goto, load-acquire...) are printed in the
/// syntax of newer LLVM (17+) instead of llvm-14's <c>&lt;unknown&gt;</c>; see <see cref="Format"/>.
/// </summary>
public static class Disassembler
{
    public const string Unknown = "<unknown>";

    /// <summary>
    /// Disassembles a code buffer slot by slot the way llvm-objdump walks it: an LD_IMM64 that llvm cannot
    /// decode (nonzero offset, bad register) prints as one <c>&lt;unknown&gt;</c> 8-byte line and its second slot
    /// is then read as an instruction of its own. A trailing LD_IMM64 without second slot is one
    /// <c>&lt;unknown&gt;</c> line (llvm-objdump prints one line per byte there).
    /// </summary>
    public static IReadOnlyList<DisassembledLine> Disassemble(ReadOnlySpan<byte> bytes)
    {
        const int slotSize = InstructionDecoder.SlotSize;
        if (bytes.Length % slotSize != 0)
            throw new InvalidInstructionException(
                $"BPF code is {bytes.Length} bytes long, not a multiple of {slotSize}: the last {bytes.Length % slotSize} bytes at offset {bytes.Length - bytes.Length % slotSize} are not a whole instruction",
                bytes.Length - bytes.Length % slotSize);

        var lines = new List<DisassembledLine>(bytes.Length / slotSize);
        int slots = bytes.Length / slotSize;
        for (int slot = 0; slot < slots;)
        {
            var at = bytes[(slot * slotSize)..];
            if (at[0] == OpCode.LdImm64)
            {
                if (slot + 1 < slots)
                {
                    var wide = InstructionDecoder.DecodeOne(at[..(2 * slotSize)]);
                    string text = Format(wide);
                    if (text != Unknown)
                    {
                        lines.Add(new DisassembledLine(slot, at[..(2 * slotSize)].ToArray(), text));
                        slot += 2;
                        continue;
                    }
                }
                lines.Add(new DisassembledLine(slot, at[..slotSize].ToArray(), Unknown));
                slot += 1;
                continue;
            }
            var ins = InstructionDecoder.DecodeOne(at[..slotSize]);
            lines.Add(new DisassembledLine(slot, at[..slotSize].ToArray(), Format(ins)));
            slot += 1;
        }
        return lines;
    }

    /// <summary>Lines of decoded instructions, numbered by slot.</summary>
    public static IReadOnlyList<DisassembledLine> Disassemble(IReadOnlyList<Instruction> instructions)
    {
        var lines = new List<DisassembledLine>(instructions.Count);
        int slot = 0;
        foreach (var ins in instructions)
        {
            var bytes = new byte[ins.Slots * InstructionDecoder.SlotSize];
            InstructionEncoder.Encode(ins, bytes);
            lines.Add(new DisassembledLine(slot, bytes, Format(ins)));
            slot += ins.Slots;
        }
        return lines;
    }

    /// <summary>A listing in llvm-objdump's layout: <c>"{slot,8}:\t{hex bytes}\t{text}"</c> per line.</summary>
    public static string ToListing(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        foreach (var line in Disassemble(bytes))
            sb.Append(line.Slot.ToString(CultureInfo.InvariantCulture).PadLeft(8)).Append(":\t").Append(line.HexBytes).Append('\t').Append(line.Text).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// The text of one instruction. Where llvm-14 decodes the bytes, the text is llvm-14's, including its
    /// quirks (fields it ignores, r11, <c>ld_pseudo</c>, <c>callx</c>). These print as newer LLVM (17+) does,
    /// because llvm-14 prints <c>&lt;unknown&gt;</c> or, ignoring the offset field, a different instruction:
    /// mod (<c>%=</c>), sdiv/smod (<c>s/=</c>, <c>s%=</c>: offset 1), movsx (<c>r1 = (s8)r2</c>: offset 8/16/32),
    /// addr_space_cast (mov64 offset 1), bswap (<c>r1 = bswap16 r1</c>), sign-extending loads
    /// (<c>r1 = *(s8 *)(r2 + 0)</c>), BPF_ST (<c>*(u32 *)(r10 - 8) = 5</c>), jset (<c>if r1 &amp; r2 goto +1</c>),
    /// gotol, may_goto, load_acquire and store_release.
    /// </summary>
    public static string Format(in Instruction ins)
    {
        byte op = ins.OpCode;
        int dst = (int)ins.Dst, src = (int)ins.Src;
        return ins.Class switch
        {
            InstructionClass.Ld => FormatLd(ins, op, dst, src),
            InstructionClass.Ldx => FormatLdx(ins, op, dst, src),
            InstructionClass.St => FormatSt(ins, op, dst),
            InstructionClass.Stx => FormatStx(ins, op, dst, src),
            InstructionClass.Alu or InstructionClass.Alu64 => FormatAlu(ins, op, dst, src),
            _ => FormatJmp(ins, op, dst, src),
        } ?? Unknown;
    }

    // llvm's register class has r0-r11; a field of 12-15 makes the whole instruction undecodable.
    private static bool Valid(int reg) => reg <= 11;

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Target(long offset) => offset >= 0 ? "+" + Num(offset) : Num(offset);

    private static string Addr(int reg, short offset) => offset < 0 ? $"r{reg} - {Num(-(int)offset)}" : $"r{reg} + {Num(offset)}";

    private static string SizeName(byte op, char sign = 'u') => (MemorySize)(op & 0x18) switch
    {
        MemorySize.B => sign + "8",
        MemorySize.H => sign + "16",
        MemorySize.W => sign + "32",
        _ => sign + "64",
    };

    private static string? FormatLd(in Instruction ins, byte op, int dst, int src)
    {
        if (op == OpCode.LdImm64)
        {
            if (ins.Offset != 0 || !Valid(dst)) return null;
            return src == 0
                ? $"r{dst} = {Num(ins.Constant)} ll"
                : $"ld_pseudo\tr{dst}, {Num(src)}, {Num((uint)ins.Imm)}"; // llvm-14 prints only the low 32 bits, unsigned
        }
        var mode = OpCode.ModeOf(op);
        if (OpCode.SizeOf(op) == MemorySize.DW) return null;
        return mode switch
        {
            MemoryMode.Abs => $"r0 = *({SizeName(op)} *)skb[{Num(ins.Imm)}]",
            MemoryMode.Ind when Valid(src) => $"r0 = *({SizeName(op)} *)skb[r{src}]",
            _ => null,
        };
    }

    private static string? FormatLdx(in Instruction ins, byte op, int dst, int src)
    {
        if (!Valid(dst) || !Valid(src)) return null;
        bool dw = OpCode.SizeOf(op) == MemorySize.DW;
        return OpCode.ModeOf(op) switch
        {
            // With +alu32, sub-word loads write the 32-bit subregister.
            MemoryMode.Mem => $"{(dw ? 'r' : 'w')}{dst} = *({SizeName(op)} *)({Addr(src, ins.Offset)})",
            MemoryMode.MemSx when !dw => $"r{dst} = *({SizeName(op, 's')} *)({Addr(src, ins.Offset)})", // LLVM 17+
            _ => null,
        };
    }

    private static string? FormatSt(in Instruction ins, byte op, int dst)
    {
        if (OpCode.ModeOf(op) != MemoryMode.Mem || !Valid(dst)) return null;
        return $"*({SizeName(op)} *)({Addr(dst, ins.Offset)}) = {Num(ins.Imm)}"; // LLVM 18+
    }

    private static string? FormatStx(in Instruction ins, byte op, int dst, int src)
    {
        if (!Valid(dst) || !Valid(src)) return null;
        var size = OpCode.SizeOf(op);
        char v = size == MemorySize.DW ? 'r' : 'w';
        string addr = Addr(dst, ins.Offset);
        switch (OpCode.ModeOf(op))
        {
            case MemoryMode.Mem:
                return $"*({SizeName(op)} *)({addr}) = {v}{src}";
            case MemoryMode.Atomic:
                // Load-acquire/store-release (kernel 6.15, LLVM 21 syntax): exact imm only.
                if (ins.Imm == (int)AtomicOp.LoadAcquire) return $"{v}{dst} = load_acquire(({SizeName(op)} *)({Addr(src, ins.Offset)}))";
                if (ins.Imm == (int)AtomicOp.StoreRelease) return $"store_release(({SizeName(op)} *)({addr}), {v}{src})";
                if (size is not (MemorySize.W or MemorySize.DW)) return null;
                return FormatAtomicRmw(ins.Imm, size == MemorySize.DW, addr, src);
            default:
                return null;
        }
    }

    // llvm-14 looks only at the low byte of imm: 0xe1 xchg, 0xf1 cmpxchg; for add/or/and/xor in the high
    // nibble, a low nibble of exactly 1 is the fetch form and any other value the plain (lock) form.
    private static string? FormatAtomicRmw(int imm, bool dw, string addr, int src)
    {
        int low = imm & 0xff;
        string v = (dw ? "r" : "w") + Num(src);
        string r0 = dw ? "r0" : "w0";
        if (low == 0xe1) return dw ? $"{v} = xchg_64({addr}, {v})" : $"{v} = xchg32_32({addr}, {v})";
        if (low == 0xf1) return dw ? $"{r0} = cmpxchg_64({addr}, {r0}, {v})" : $"{r0} = cmpxchg32_32({addr}, {r0}, {v})";
        (string name, string sym)? kind = (low >> 4) switch
        {
            0x0 => ("add", "+"),
            0x4 => ("or", "|"),
            0x5 => ("and", "&"),
            0xa => ("xor", "^"),
            _ => null,
        };
        if (kind is not { } k) return null;
        string width = dw ? "u64" : "u32";
        return (low & 0x0f) == 1
            ? $"{v} = atomic_fetch_{k.name}(({width} *)({addr}), {v})"
            : $"lock *({width} *)({addr}) {k.sym}= {v}";
    }

    private static string? FormatAlu(in Instruction ins, byte op, int dst, int src)
    {
        if (!Valid(dst)) return null;
        bool is64 = ins.Class == InstructionClass.Alu64;
        char p = is64 ? 'r' : 'w';
        bool x = OpCode.SourceOf(op) == OperandSource.X;
        var aluOp = OpCode.AluOpOf(op);
        short off = ins.Offset;
        string d = $"{p}{dst}";

        switch (aluOp)
        {
            case AluOp.Neg:
                return x ? null : $"{d} = -{d}";
            case AluOp.End:
                if (ins.Imm is not (16 or 32 or 64)) return null;
                if (is64) return x ? null : $"r{dst} = bswap{Num(ins.Imm)} r{dst}"; // cpu v4, LLVM 17+
                return $"r{dst} = {(x ? "be" : "le")}{Num(ins.Imm)} r{dst}";
            case (AluOp)0xe0 or (AluOp)0xf0:
                return null;
        }

        if (x && !Valid(src)) return null;
        string operand = x ? $"{p}{src}" : Num(ins.Imm);

        if (aluOp == AluOp.Mov)
        {
            if (x && is64 && off is 8 or 16 or 32) return $"{d} = (s{Num(off)}){p}{src}"; // movsx, LLVM 17+
            if (x && !is64 && off is 8 or 16) return $"{d} = (s{Num(off)}){p}{src}";
            if (x && is64 && off == 1) // arena pointer cast (kernel 6.9), LLVM 19 syntax
                return $"{d} = addr_space_cast(r{src}, {Num((uint)ins.Imm >> 16)}, {Num(ins.Imm & 0xffff)})";
            return $"{d} = {operand}";
        }

        string sym = aluOp switch
        {
            AluOp.Add => "+",
            AluOp.Sub => "-",
            AluOp.Mul => "*",
            AluOp.Div => off == 1 ? "s/" : "/", // llvm-14 ignores the offset; 1 means signed (cpu v4)
            AluOp.Or => "|",
            AluOp.And => "&",
            AluOp.Lsh => "<<",
            AluOp.Rsh => ">>",
            AluOp.Mod => off switch { 0 => "%", 1 => "s%", _ => "" }, // unknown to llvm-14 altogether
            AluOp.Xor => "^",
            AluOp.Arsh => "s>>",
            _ => "",
        };
        return sym.Length == 0 ? null : $"{d} {sym}= {operand}";
    }

    private static string? FormatJmp(in Instruction ins, byte op, int dst, int src)
    {
        bool is32 = ins.Class == InstructionClass.Jmp32;
        bool x = OpCode.SourceOf(op) == OperandSource.X;
        var jop = OpCode.JumpOpOf(op);
        switch (jop)
        {
            case JumpOp.Ja:
                if (x) return null;
                return is32 ? $"gotol {Target(ins.Imm)}" : $"goto {Target(ins.Offset)}";
            case JumpOp.Call:
                if (is32) return null;
                if (!x) return $"call {Num(ins.Imm)}";
                return ins.Imm is >= 0 and <= 11 ? $"callx r{Num(ins.Imm)}" : null; // llvm-14 reads callx's register from imm
            case JumpOp.Exit:
                return !is32 && !x && ins.Imm == 0 ? "exit" : null;
            case JumpOp.Jcond:
                return !is32 && !x && src == 0 ? $"may_goto {Target(ins.Offset)}" : null; // LLVM 19+
            case (JumpOp)0xf0:
                return null;
        }
        string sym = jop switch
        {
            JumpOp.Jeq => "==",
            JumpOp.Jgt => ">",
            JumpOp.Jge => ">=",
            JumpOp.Jset => "&", // LLVM 18+
            JumpOp.Jne => "!=",
            JumpOp.Jsgt => "s>",
            JumpOp.Jsge => "s>=",
            JumpOp.Jlt => "<",
            JumpOp.Jle => "<=",
            JumpOp.Jslt => "s<",
            _ => "s<=",
        };
        if (!Valid(dst) || (x && !Valid(src))) return null;
        char p = is32 ? 'w' : 'r';
        string rhs = x ? $"{p}{src}" : Num(ins.Imm);
        return $"if {p}{dst} {sym} {rhs} goto {Target(ins.Offset)}";
    }
}
