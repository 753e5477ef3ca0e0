namespace Ebpf.Asm.Tests;

/// <summary>Every section of every compiled fixture, against llvm-objdump-14 on the same file.</summary>
public class FixtureDisassemblyTests
{
    /// <summary>Fixtures with maps and no code: nothing to disassemble (the loader's tests read them).</summary>
    private static readonly string[] MapsOnly = ["arena_map.o"];

    public static TheoryData<string> Objects()
    {
        var data = new TheoryData<string>();
        foreach (var f in FixtureFiles.AllRelative())
            if (!MapsOnly.Contains(f)) data.Add(f);
        return data;
    }

    private static List<LlvmSection> Sections(string name)
    {
        var sections = Llvm.Disassemble(Path.Combine(FixtureFiles.Directory, name));
        Assert.NotEmpty(sections);
        return sections;
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void Text_matches_llvm_objdump(string name)
    {
        foreach (var section in Sections(name))
            Compare.Lines($"{name} section {section.Name}", section.Lines, Disassembler.Disassemble(section.Code));
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void Encode_of_decode_is_identity(string name)
    {
        foreach (var section in Sections(name))
        {
            var code = section.Code;
            var instructions = InstructionDecoder.Decode(code, out var map);
            Assert.Equal(code, InstructionEncoder.Encode(instructions));
            Assert.Equal(code.Length / 8, map.SlotCount);
            Assert.Equal(instructions.Length, map.Count);
            Assert.Equal(Disassembler.Disassemble(code).Select(l => l.Text), Disassembler.Disassemble(instructions).Select(l => l.Text));
            // llvm's line numbers are slot indices: each line starts an instruction of ours.
            foreach (var line in section.Lines)
            {
                int index = map.IndexOfByteOffset(line.Slot * 8L);
                Assert.Equal(line.Bytes.Length / 8, instructions[index].Slots);
            }
        }
    }

    [Fact]
    public void Isa_fixture_covers_the_instruction_families()
    {
        var texts = Sections("isa.o").SelectMany(s => s.Lines).Select(l => l.Text).ToList();
        foreach (var expected in new[] { "r1 = 1311768467463790320 ll", "r0 = *(u8 *)skb[12]", "r0 = *(u16 *)skb[r1]", "call 1", "exit",
                     "r0 = cmpxchg_64(r10 - 8, r0, r1)", "w4 = xchg32_32(r10 - 12, w4)", "lock *(u64 *)(r10 - 8) += r4", "if w1 s> 3 goto -1" })
            Assert.Contains(expected, texts);
    }
}
