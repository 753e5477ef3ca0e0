using static Ebpf.Asm.Register;

namespace Ebpf.Asm.Tests;

public class InstructionTests
{
    [Fact]
    public void Ld_imm64_constant_spans_both_slots()
    {
        var ins = InstructionDecoder.DecodeOne(Convert.FromHexString("18010000f0debc9a0000000078563412"));
        Assert.True(ins.IsLoadImm64);
        Assert.Equal(2, ins.Slots);
        Assert.Equal(0x123456789abcdef0, ins.Constant);
        Assert.Equal(unchecked((int)0x9abcdef0), ins.Imm);
        Assert.Equal(LdImm64Source.None, ins.PseudoSource);
        Assert.Equal(InstructionClass.Ld, ins.Class);
        Assert.Equal("r1 = 1311768467463790320 ll", ins.ToString());
    }

    [Fact]
    public void Constant_of_a_narrow_instruction_is_imm_sign_extended()
    {
        var ins = Instruction.Mov64(R1, -5);
        Assert.Equal(-5L, ins.Constant);
        Assert.Equal(1, ins.Slots);
        Assert.Equal("r1 = -5", ins.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => ins.WithConstant(1L << 40));
        Assert.Equal(7, ins.WithConstant(7).Imm);
    }

    [Fact]
    public void With_helpers_change_one_field()
    {
        var ld = Instruction.LoadImm64(R1, 0);
        var map = ld.WithPseudoSource(LdImm64Source.MapValue).WithImm(3).WithConstant(0x0000_0010_0000_0003);
        Assert.Equal(LdImm64Source.MapValue, map.PseudoSource);
        Assert.Equal(0x10_0000_0003L, map.Constant);
        Assert.Equal(R1, map.Dst);
        Assert.Equal((Register)2, map.Src);

        var jump = Instruction.Jump(JumpOp.Jeq, R1, 3, 1).WithOffset(-4);
        Assert.Equal(-4, jump.Offset);
        Assert.Equal("if r1 == 3 goto -4", jump.ToString());
        Assert.Equal(R7, jump.WithDst(R7).Dst);
        Assert.Equal(jump, jump.WithOffset(-4));
        Assert.NotEqual(jump, jump.WithImm(4));
    }

    [Fact]
    public void Predicates()
    {
        Assert.True(Instruction.Exit().IsExit);
        Assert.True(Instruction.CallHelper(1).IsHelperCall);
        Assert.False(Instruction.CallHelper(1).IsPseudoCall);
        Assert.True(Instruction.CallPseudo(-1).IsPseudoCall);
        Assert.True(Instruction.CallKfunc(1234).IsKfuncCall);
        Assert.False(Instruction.CallHelper(1).IsJump);
        Assert.False(Instruction.Exit().IsJump);
        Assert.True(Instruction.Goto(1).IsJump);
        Assert.False(Instruction.Goto(1).IsConditionalJump);
        Assert.True(Instruction.GotoLong(100000).IsJump);
        Assert.Equal(100000, Instruction.GotoLong(100000).JumpOffset);
        Assert.True(Instruction.Jump32(JumpOp.Jsgt, R1, R2, 3).IsConditionalJump);
        Assert.Equal(3, Instruction.Jump32(JumpOp.Jsgt, R1, R2, 3).JumpOffset);
        Assert.False(Instruction.Mov64(R0, 0).IsJump);
        Assert.Equal(InstructionClass.Jmp32, Instruction.Jump32(JumpOp.Jeq, R1, 0, 0).Class);
    }

    [Fact]
    public void Factories_print_what_they_build()
    {
        (Instruction Ins, string Text)[] cases =
        [
            (Instruction.Alu64(AluOp.Add, R1, 7), "r1 += 7"),
            (Instruction.Alu32(AluOp.Arsh, R1, R2), "w1 s>>= w2"),
            (Instruction.SignedAlu64(AluOp.Div, R1, R2), "r1 s/= r2"),
            (Instruction.SignedAlu32(AluOp.Mod, R3, 5), "w3 s%= 5"),
            (Instruction.Mov32(R1, 42), "w1 = 42"),
            (Instruction.MovSx64(R1, R2, 32), "r1 = (s32)r2"),
            (Instruction.MovSx32(R1, R2, 16), "w1 = (s16)w2"),
            (Instruction.Neg64(R1), "r1 = -r1"),
            (Instruction.Neg32(R1), "w1 = -w1"),
            (Instruction.ToBigEndian(R1, 16), "r1 = be16 r1"),
            (Instruction.ToLittleEndian(R1, 64), "r1 = le64 r1"),
            (Instruction.ByteSwap(R1, 32), "r1 = bswap32 r1"),
            (Instruction.LoadMem(MemorySize.W, R1, R2, 8), "w1 = *(u32 *)(r2 + 8)"),
            (Instruction.LoadMem(MemorySize.DW, R1, R10, -8), "r1 = *(u64 *)(r10 - 8)"),
            (Instruction.LoadMemSx(MemorySize.B, R1, R2, 0), "r1 = *(s8 *)(r2 + 0)"),
            (Instruction.StoreMem(MemorySize.DW, R10, -16, R1), "*(u64 *)(r10 - 16) = r1"),
            (Instruction.StoreMem(MemorySize.H, R10, -2, R1), "*(u16 *)(r10 - 2) = w1"),
            (Instruction.StoreImm(MemorySize.W, R10, -8, 5), "*(u32 *)(r10 - 8) = 5"),
            (Instruction.Atomic(MemorySize.DW, AtomicOp.Add, R1, 0, R6), "lock *(u64 *)(r1 + 0) += r6"),
            (Instruction.Atomic(MemorySize.W, AtomicOp.FetchAdd, R3, 0, R0), "w0 = atomic_fetch_add((u32 *)(r3 + 0), w0)"),
            (Instruction.Atomic(MemorySize.DW, AtomicOp.Cmpxchg, R1, 0, R2), "r0 = cmpxchg_64(r1 + 0, r0, r2)"),
            (Instruction.Atomic(MemorySize.DW, AtomicOp.Xchg, R1, 0, R2), "r2 = xchg_64(r1 + 0, r2)"),
            (Instruction.LoadAbs(MemorySize.B, 12), "r0 = *(u8 *)skb[12]"),
            (Instruction.LoadInd(MemorySize.H, R1, 0), "r0 = *(u16 *)skb[r1]"),
            (Instruction.Jump(JumpOp.Jsgt, R1, R2, 1), "if r1 s> r2 goto +1"),
            (Instruction.Jump32(JumpOp.Jsgt, R1, 3, 1), "if w1 s> 3 goto +1"),
            (Instruction.Goto(0), "goto +0"),
            (Instruction.GotoLong(5), "gotol +5"),
            (Instruction.MayGoto(2), "may_goto +2"),
            (Instruction.CallHelper(1), "call 1"),
            (Instruction.CallPseudo(-1), "call -1"),
            (Instruction.Exit(), "exit"),
            (Instruction.LoadMapValue(R1, 5, 16), "ld_pseudo\tr1, 2, 5"),
        ];
        foreach (var (ins, text) in cases)
        {
            Assert.Equal(text, ins.ToString());
            // and they survive encoding
            Assert.Equal(ins, InstructionDecoder.Decode(InstructionEncoder.Encode([ins])).Single());
        }
    }

    [Fact]
    public void Map_value_keeps_fd_low_and_offset_high()
    {
        var ins = Instruction.LoadMapValue(R1, 5, 16);
        Assert.Equal(5, ins.Imm);
        Assert.Equal((16L << 32) | 5, ins.Constant);
    }

    [Fact]
    public void Slot_map_between_slots_and_indices()
    {
        Instruction[] program = [Instruction.Mov64(R0, 0), Instruction.LoadImm64(R1, 1), Instruction.Mov64(R2, 0), Instruction.Exit()];
        var bytes = InstructionEncoder.Encode(program);
        Assert.Equal(40, bytes.Length);
        var decoded = InstructionDecoder.Decode(bytes, out var map);
        Assert.Equal(program, decoded);
        Assert.Equal(4, map.Count);
        Assert.Equal(5, map.SlotCount);
        Assert.Equal([0, 1, 3, 4], Enumerable.Range(0, 4).Select(map.SlotOf));
        Assert.Equal([0, 1, -1, 2, 3], Enumerable.Range(0, 5).Select(map.IndexOfSlot));
        Assert.Equal(2, map.IndexOfByteOffset(24));
        Assert.Throws<InvalidInstructionException>(() => map.IndexOfByteOffset(16));
        Assert.Throws<InvalidInstructionException>(() => map.IndexOfByteOffset(12));
        Assert.Throws<InvalidInstructionException>(() => map.IndexOfByteOffset(40));
        Assert.False(map.TryGetIndexOfByteOffset(16, out _));
        Assert.True(map.TryGetIndexOfByteOffset(8, out var i) && i == 1);
        Assert.Equal(map.SlotCount, SlotMap.For(program).SlotCount);
    }

    [Fact]
    public void Encode_into_a_span()
    {
        var buffer = new byte[16];
        InstructionEncoder.Encode(Instruction.LoadImm64(R3, -1), buffer);
        Assert.Equal(Convert.FromHexString("18030000ffffffff00000000ffffffff"), buffer);
        Assert.Throws<ArgumentException>(() => InstructionEncoder.Encode(Instruction.LoadImm64(R3, -1), new byte[8]));
    }

    [Fact]
    public void Listing_has_llvm_objdump_layout()
    {
        var listing = Disassembler.ToListing(InstructionEncoder.Encode([Instruction.Mov64(R0, 0), Instruction.Exit()]));
        Assert.Equal("       0:\tb7 00 00 00 00 00 00 00\tr0 = 0\n       1:\t95 00 00 00 00 00 00 00\texit\n", listing);
    }

    [Fact]
    public void Register_fields_hold_four_bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Instruction(0xbf, (Register)16, R0, 0, 0));
        var odd = new Instruction(0xbf, (Register)12, R1, 0, 0);
        Assert.Equal("<unknown>", odd.ToString());
        Assert.Equal((Register)12, odd.Dst);
    }
}
