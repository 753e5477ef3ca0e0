namespace Ebpf.Asm.Tests;

/// <summary>
/// Encodings llvm-14 cannot print (it says &lt;unknown&gt;, or ignores the offset that makes them cpu v4):
/// hand-written expectations in the syntax of newer LLVM (17+).
/// </summary>
public class NewerSyntaxTests
{
    [Theory]
    // signed division and modulo (cpu v4): offset 1
    [InlineData("3f 21 01 00 00 00 00 00", "r1 s/= r2")]
    [InlineData("37 01 01 00 07 00 00 00", "r1 s/= 7")]
    [InlineData("3c 21 01 00 00 00 00 00", "w1 s/= w2")]
    [InlineData("9f 21 01 00 00 00 00 00", "r1 s%= r2")]
    [InlineData("94 01 01 00 f9 ff ff ff", "w1 s%= -7")]
    // unsigned modulo (every kernel; llvm-14 never emits it)
    [InlineData("9f 21 00 00 00 00 00 00", "r1 %= r2")]
    [InlineData("97 01 00 00 07 00 00 00", "r1 %= 7")]
    [InlineData("9c 21 00 00 00 00 00 00", "w1 %= w2")]
    [InlineData("94 01 00 00 05 00 00 00", "w1 %= 5")]
    [InlineData("9f 21 02 00 00 00 00 00", "<unknown>")]
    // movsx (cpu v4)
    [InlineData("bf 21 08 00 00 00 00 00", "r1 = (s8)r2")]
    [InlineData("bf 21 10 00 00 00 00 00", "r1 = (s16)r2")]
    [InlineData("bf 21 20 00 00 00 00 00", "r1 = (s32)r2")]
    [InlineData("bc 21 08 00 00 00 00 00", "w1 = (s8)w2")]
    [InlineData("bc 21 10 00 00 00 00 00", "w1 = (s16)w2")]
    // bswap (cpu v4)
    [InlineData("d7 01 00 00 10 00 00 00", "r1 = bswap16 r1")]
    [InlineData("d7 01 00 00 20 00 00 00", "r1 = bswap32 r1")]
    [InlineData("d7 01 00 00 40 00 00 00", "r1 = bswap64 r1")]
    [InlineData("d7 01 00 00 08 00 00 00", "<unknown>")]
    // sign-extending loads (cpu v4)
    [InlineData("91 21 00 00 00 00 00 00", "r1 = *(s8 *)(r2 + 0)")]
    [InlineData("89 21 fe ff 00 00 00 00", "r1 = *(s16 *)(r2 - 2)")]
    [InlineData("81 a1 f8 ff 00 00 00 00", "r1 = *(s32 *)(r10 - 8)")]
    [InlineData("99 21 00 00 00 00 00 00", "<unknown>")]
    // stores of an immediate (BPF_ST)
    [InlineData("62 0a f8 ff 05 00 00 00", "*(u32 *)(r10 - 8) = 5")]
    [InlineData("7a 0a f0 ff ff ff ff ff", "*(u64 *)(r10 - 16) = -1")]
    [InlineData("6a 01 02 00 07 00 00 00", "*(u16 *)(r1 + 2) = 7")]
    [InlineData("72 01 00 00 01 00 00 00", "*(u8 *)(r1 + 0) = 1")]
    // jset
    [InlineData("45 01 01 00 07 00 00 00", "if r1 & 7 goto +1")]
    [InlineData("4d 21 ff ff 00 00 00 00", "if r1 & r2 goto -1")]
    [InlineData("46 01 01 00 07 00 00 00", "if w1 & 7 goto +1")]
    [InlineData("4e 21 01 00 00 00 00 00", "if w1 & w2 goto +1")]
    // gotol and may_goto
    [InlineData("06 00 00 00 05 00 00 00", "gotol +5")]
    [InlineData("06 00 00 00 00 00 00 80", "gotol -2147483648")]
    [InlineData("e5 00 03 00 00 00 00 00", "may_goto +3")]
    // load-acquire / store-release (kernel 6.15)
    [InlineData("db 10 00 00 00 01 00 00", "r0 = load_acquire((u64 *)(r1 + 0))")]
    [InlineData("d3 10 04 00 00 01 00 00", "w0 = load_acquire((u8 *)(r1 + 4))")]
    [InlineData("c3 21 00 00 10 01 00 00", "store_release((u32 *)(r1 + 0), w2)")]
    [InlineData("cb 21 00 00 00 00 00 00", "<unknown>")]
    // arena address space cast (kernel 6.9)
    [InlineData("bf 21 01 00 01 00 00 00", "r1 = addr_space_cast(r2, 0, 1)")]
    [InlineData("bf 21 01 00 00 00 01 00", "r1 = addr_space_cast(r2, 1, 0)")]
    // kfunc and BPF-to-BPF calls print like helper calls, as llvm-14 does
    [InlineData("85 20 00 00 2a 00 00 00", "call 42")]
    [InlineData("85 10 00 00 ff ff ff ff", "call -1")]
    public void Prints_newer_llvm_syntax(string hex, string expected)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", ""));
        var ins = InstructionDecoder.DecodeOne(bytes);
        Assert.Equal(expected, Disassembler.Format(ins));
        Assert.Equal(expected, Disassembler.Disassemble(bytes).Single().Text);
    }

    [Fact]
    public void Ld_imm64_pseudo_sources_print_as_llvm_14()
    {
        // src 1..6 are the loader's pseudo values; llvm-14 prints them as ld_pseudo with the low imm, unsigned.
        Assert.Equal("ld_pseudo\tr1, 1, 3", Instruction.LoadMapFd(Register.R1, 3).ToString());
        Assert.Equal("ld_pseudo\tr2, 2, 4294967295", Instruction.LoadImm64(Register.R2, -1, LdImm64Source.MapValue).ToString());
        Assert.Equal("r1 = -7 ll", Instruction.LoadImm64(Register.R1, -7).ToString());
    }
}
