namespace Ebpf.Asm.Tests;

/// <summary>Only bytes that cannot be split into instructions throw, and only InvalidInstructionException.</summary>
public class DecoderErrorTests
{
    private static readonly byte[] Mov = [0xb7, 0x01, 0, 0, 1, 0, 0, 0];
    private static readonly byte[] Wide = [0x18, 0x01, 0, 0, 1, 0, 0, 0];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(17)]
    public void Length_not_a_multiple_of_8(int length)
    {
        var e = Assert.Throws<InvalidInstructionException>(() => InstructionDecoder.Decode(new byte[length]));
        Assert.Contains($"{length} bytes", e.Message);
        Assert.Contains("multiple of 8", e.Message);
        Assert.Equal(length / 8 * 8, e.ByteOffset);
        Assert.IsAssignableFrom<BpfException>(e);
        Assert.Throws<InvalidInstructionException>(() => Disassembler.Disassemble(new byte[length]));
    }

    [Fact]
    public void Ld_imm64_without_second_slot()
    {
        var e = Assert.Throws<InvalidInstructionException>(() => InstructionDecoder.Decode([.. Mov, .. Mov, .. Wide]));
        Assert.Equal(16, e.ByteOffset);
        Assert.Contains("byte offset 16", e.Message);
        Assert.Contains("LD_IMM64", e.Message);
        Assert.Contains("second slot", e.Message);
        Assert.Throws<InvalidInstructionException>(() => InstructionDecoder.DecodeOne(Wide));
        Assert.Throws<InvalidInstructionException>(() => InstructionDecoder.DecodeOne(Mov.AsSpan(0, 4)));
    }

    [Fact]
    public void Disassembler_tolerates_a_dangling_ld_imm64()
    {
        var lines = Disassembler.Disassemble([.. Mov, .. Wide]);
        Assert.Equal(["r1 = 1", "<unknown>"], lines.Select(l => l.Text));
        Assert.Equal(1, lines[1].Slot);
    }

    [Fact]
    public void Empty_code_is_no_instructions()
    {
        Assert.Empty(InstructionDecoder.Decode(Array.Empty<byte>()));
        Assert.Empty(Disassembler.Disassemble(Array.Empty<byte>()));
        Assert.Empty(InstructionEncoder.Encode([]));
    }

    [Fact]
    public void Random_bytes_throw_nothing_but_InvalidInstructionException()
    {
        var rng = new Random(20240);
        int decoded = 0, rejected = 0;
        for (int i = 0; i < 20_000; i++)
        {
            // Mostly whole slots, some ragged lengths; LD_IMM64 opcodes are frequent enough to dangle.
            int length = rng.Next(4) == 0 ? rng.Next(0, 80) : 8 * rng.Next(0, 10);
            var bytes = new byte[length];
            rng.NextBytes(bytes);
            for (int s = 0; s + 8 <= length; s += 8)
                if (rng.Next(6) == 0) bytes[s] = OpCode.LdImm64;
            try
            {
                var instructions = InstructionDecoder.Decode(bytes, out var map);
                Assert.Equal(bytes, InstructionEncoder.Encode(instructions));
                Assert.Equal(length / 8, map.SlotCount);
                foreach (var ins in instructions) _ = Disassembler.Format(ins);
                decoded++;
            }
            catch (InvalidInstructionException)
            {
                rejected++;
            }
            try
            {
                _ = Disassembler.Disassemble(bytes);
            }
            catch (InvalidInstructionException)
            {
            }
        }
        Assert.True(decoded > 1000 && rejected > 1000, $"decoded {decoded}, rejected {rejected}");
    }
}
