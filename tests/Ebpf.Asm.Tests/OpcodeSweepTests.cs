using System.Buffers.Binary;

namespace Ebpf.Asm.Tests;

/// <summary>
/// Every opcode byte with a spread of registers (valid, r11, invalid 12-15), offsets and immediates, plus seeded
/// random instructions, disassembled by llvm-objdump-14 in one batch and compared line by line.
/// </summary>
public class OpcodeSweepTests
{
    private static readonly (int Dst, int Src, short Off, int Imm)[] Combos =
    [
        (1, 2, 0, 0), (1, 2, 8, 7), (10, 0, -16, -5), (0, 10, 0x7fff, int.MaxValue), (3, 1, -1, -1),
        (11, 11, 1, int.MinValue), (12, 1, 0, 1), (1, 12, 0, 1), (15, 15, -32768, 1), (0, 0, 0, 16),
        (2, 9, 4, 32), (4, 5, 2, 64), (1, 1, 0, 0x41), (2, 3, 0, 0xe1), (2, 3, 0, 0xf1), (2, 3, 0, 0x51),
        (2, 3, 0, 0xa0), (1, 0, 0, 1), (2, 3, 0, 2), (2, 3, 0, 0xe0), (2, 3, 0, 0x100), (2, 3, 0, 0x110),
        (2, 3, 0, 0x1a1), (2, 3, 1, 0x10010), (5, 6, 16, 11), (5, 6, 32, 12), (7, 8, 1, 0x10002),
    ];

    /// <summary>Encodings whose meaning llvm-14 does not know (it prints &lt;unknown&gt; or, ignoring the offset, another instruction).</summary>
    internal static bool NewerThanLlvm14(byte op, short off, int imm) =>
        op is 0x94 or 0x97 or 0x9c or 0x9f            // mod
        || op is 0x62 or 0x6a or 0x72 or 0x7a         // BPF_ST
        || op is 0x81 or 0x89 or 0x91                 // sign-extending loads
        || op is 0xd7 or 0x06 or 0xe5                 // bswap, gotol, may_goto
        || op is 0x45 or 0x4d or 0x46 or 0x4e         // jset
        || (op is 0x34 or 0x37 or 0x3c or 0x3f && off == 1)           // sdiv
        || (op == 0xbf && off is 1 or 8 or 16 or 32) || (op == 0xbc && off is 8 or 16) // addr_space_cast, movsx
        || (op is 0xc3 or 0xdb or 0xcb or 0xd3 && imm is 0x100 or 0x110); // load-acquire, store-release

    private static byte[] Slot(byte op, int dst, int src, short off, int imm)
    {
        var b = new byte[8];
        b[0] = op;
        b[1] = (byte)((src << 4) | dst);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(2), off);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), imm);
        return b;
    }

    private static byte[] Code()
    {
        var code = new List<byte>();
        for (int op = 0; op < 256; op++)
        {
            foreach (var (dst, src, off, imm) in Combos)
            {
                code.AddRange(Slot((byte)op, dst, src, off, imm));
                if (op == OpCode.LdImm64) code.AddRange(Slot(0, 0, 0, 0, imm ^ 0x12345));
            }
        }
        // Seeded random instructions, registers biased towards the valid ones.
        var rng = new Random(1234);
        short[] offsets = [0, 1, -1, 8, 16, 32, 0x7fff, -0x8000];
        int[] imms = [0, 1, -1, 16, 32, 64, 0xe1, 0xf1, 0x100, 0x110, int.MinValue, int.MaxValue];
        // EBPF_ASM_SWEEP_RANDOM raises the count for a deeper (slower) local run.
        int count = int.TryParse(Environment.GetEnvironmentVariable("EBPF_ASM_SWEEP_RANDOM"), out var n) ? n : 4000;
        for (int i = 0; i < count; i++)
        {
            byte op = (byte)rng.Next(256);
            int dst = rng.Next(4) == 0 ? rng.Next(16) : rng.Next(12);
            int src = rng.Next(4) == 0 ? rng.Next(16) : rng.Next(12);
            short off = rng.Next(2) == 0 ? offsets[rng.Next(offsets.Length)] : (short)rng.Next(short.MinValue, short.MaxValue + 1);
            int imm = rng.Next(2) == 0 ? imms[rng.Next(imms.Length)] : rng.Next(int.MinValue, int.MaxValue);
            code.AddRange(Slot(op, dst, src, off, imm));
            if (op == OpCode.LdImm64) code.AddRange(Slot((byte)rng.Next(2), 0, 0, 0, rng.Next()));
        }
        return code.ToArray();
    }

    [Fact]
    public void Every_opcode_matches_llvm_objdump_14()
    {
        var code = Code();
        var expected = Llvm.DisassembleBytes(code);
        var actual = Disassembler.Disassemble(code);
        int skipped = 0;
        Compare.Lines("opcode sweep", expected, actual, line =>
        {
            short off = BinaryPrimitives.ReadInt16LittleEndian(line.Bytes.AsSpan(2));
            int imm = BinaryPrimitives.ReadInt32LittleEndian(line.Bytes.AsSpan(4));
            bool skip = NewerThanLlvm14(line.Bytes[0], off, imm);
            if (skip) skipped++;
            return skip;
        });
        // The sweep must really exercise llvm: most lines are compared, and many are real instructions.
        Assert.True(skipped < expected.Count / 5, $"{skipped} of {expected.Count} lines skipped");
        Assert.True(expected.Count(l => l.Text != Disassembler.Unknown) > 2000);
    }

    [Fact]
    public void Round_trip_of_the_sweep()
    {
        var code = Code();
        Assert.Equal(code, InstructionEncoder.Encode(InstructionDecoder.Decode(code)));
    }
}
