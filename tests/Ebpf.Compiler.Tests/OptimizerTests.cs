using System.Reflection;
using Ebpf.Asm;
using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Tests.Core;
using Ebpf.Kernel;
using Ebpf.Object;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// The optimizer's clean-ups on optimized (Release) IL, as users ship it, compiled in-process: redundant shift-count
/// masks and zero extensions, span structs that only carried a pointer to a helper, zeroing that stores overwrite, and
/// repeated `return 0;` blocks.
/// Each program's shape is checked, and each must load and give the verdicts of its .NET run.
/// </summary>
public sealed class OptimizerTests(OptimizerTests.Compiled compiled) : IClassFixture<OptimizerTests.Compiled>
{
    private const string Source = """
        using System;
        using Ebpf.Kernel;

        public struct Pair
        {
            public ulong A;
            public uint B;
        }

        [License("GPL")]
        public static class Optimized
        {
            [Map] public static readonly ArrayMap<ulong> Counts = new(maxEntries: 2);
            [Map] public static readonly ArrayMap<Pair> Pairs = new(maxEntries: 1);

            // A local struct, zeroed as the method starts (localsinit), then set field by field: the zeroing of A goes.
            [CgroupSkb(CgroupSkbDirection.Egress)]
            public static SkbVerdict FieldByField(SkBuffContext skb)
            {
                Pair p;
                p.A = skb.Length;
                p.B = skb.Mark;
                Pairs.Update(0, p);
                return p.A > 100 ? SkbVerdict.Pass : SkbVerdict.Drop;
            }

            // Halving steps: each shift count is a comparison's 0/1 shifted left, already below 32.
            [CgroupSkb(CgroupSkbDirection.Egress)]
            public static SkbVerdict ShiftCounts(SkBuffContext skb)
            {
                var v = skb.Length;
                var r = (v > 0xff ? 1u : 0u) << 3;
                v >>= (int)r;
                var s = (v > 0xf ? 1u : 0u) << 2;
                v >>= (int)s;
                return ((r | s | v) & 1) == 0 ? SkbVerdict.Pass : SkbVerdict.Drop;
            }

            // The upper half of a 64-bit value: its upper half is zero already.
            [CgroupSkb(CgroupSkbDirection.Egress)]
            public static SkbVerdict HighHalf(SkBuffContext skb)
            {
                var wide = skb.Length * 0x1_0000_0003UL;
                Counts.Update(0, (uint)(wide >> 32));
                return (uint)(wide >> 32) == skb.Length ? SkbVerdict.Pass : SkbVerdict.Drop;
            }

            // A span only handed to a helper: the helper gets the address, no span struct is built.
            [CgroupSkb(CgroupSkbDirection.Egress)]
            public static SkbVerdict CommSpan(SkBuffContext skb)
            {
                Span<byte> name = stackalloc byte[16];
                return Bpf.GetCurrentComm(name) == 0 ? SkbVerdict.Pass : SkbVerdict.Drop;
            }

            // Two `return Drop;` (0): one exit block, as clang makes it.
            [CgroupSkb(CgroupSkbDirection.Egress)]
            public static SkbVerdict EarlyReturn(SkBuffContext skb)
            {
                if (skb.Length < 100)
                    return SkbVerdict.Drop;
                Counts.Add(1, 1);
                return SkbVerdict.Drop;
            }
        }
        """;

    /// <summary>The programs, built once for the class (an assembly name loads once per process).</summary>
    public sealed class Compiled : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "ebpf-optimizer-tests-" + Guid.NewGuid().ToString("N"));

        public Compiled()
        {
            Programs = GeneratedCode.Compile([("Optimized.cs", Source)], "OptimizerPrograms", _directory).GetType("Optimized")!;
            Elf = ProgramCompiler.Compile(Programs);
        }

        public Type Programs { get; }
        public byte[] Elf { get; }

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }

    private readonly Type _programs = compiled.Programs;
    private readonly byte[] _elf = compiled.Elf;

    private Instruction[] Code(string name) => BpfObjectFile.Read(_elf).FindProgram(name)!.Instructions.ToArray();

    private static bool IsAlu(Instruction i, InstructionClass cls, AluOp op, bool register) =>
        i.Class == cls && (AluOp)(i.OpCode & 0xf0) == op && ((i.OpCode & (byte)OperandSource.X) != 0) == register;

    [Fact]
    public void Shift_counts_known_to_be_below_32_are_not_masked()
    {
        var code = Code("ShiftCounts");
        Assert.Contains(code, i => IsAlu(i, InstructionClass.Alu, AluOp.Rsh, register: true));
        Assert.DoesNotContain(code, i => IsAlu(i, InstructionClass.Alu, AluOp.And, register: false) && i.Imm == 31);
    }

    [Fact]
    public void The_upper_half_of_a_64_bit_value_is_not_zero_extended_again()
    {
        var code = Code("HighHalf");
        var shifts = Enumerable.Range(0, code.Length).Where(k => IsAlu(code[k], InstructionClass.Alu64, AluOp.Rsh, register: false) && code[k].Imm == 32).ToList();
        Assert.NotEmpty(shifts);
        foreach (var k in shifts)
            Assert.False(IsAlu(code[k + 1], InstructionClass.Alu, AluOp.Mov, register: true) && code[k + 1].Src == code[k].Dst,
                $"zero extension after >> 32: {code[k]}; {code[k + 1]}");
        Assert.DoesNotContain(code, i => IsAlu(i, InstructionClass.Alu, AluOp.Mov, register: true) && i.Src == i.Dst);
    }

    [Fact]
    public void A_span_passed_to_a_helper_is_its_address_not_a_struct_read_back()
    {
        var code = Code("CommSpan");
        Assert.DoesNotContain(code, i => i.Class == InstructionClass.Ldx && i.Src == Register.R10);
        Assert.DoesNotContain(code, i => i.Class == InstructionClass.St && i.Dst == Register.R10 && i.Imm == 16 && (i.OpCode & 0x18) == (byte)MemorySize.W);
    }

    [Fact]
    public void Equal_return_blocks_share_one_exit()
    {
        Assert.Single(Code("EarlyReturn"), i => i.IsExit);
    }

    [Fact]
    public void A_frame_store_that_later_stores_overwrite_unread_goes()
    {
        var code = Code("FieldByField");
        static bool ToFrame(Instruction i, InstructionClass cls) => i.Class == cls && i.Dst == Register.R10 && (i.OpCode & 0xe0) == (byte)MemoryMode.Mem;
        static bool Wide(Instruction i) => (i.OpCode & 0x18) == (byte)MemorySize.DW;
        var written = code.Where(i => ToFrame(i, InstructionClass.Stx) && Wide(i)).Select(i => i.Offset).ToHashSet();
        Assert.NotEmpty(written);
        Assert.DoesNotContain(code, i => ToFrame(i, InstructionClass.St) && Wide(i) && written.Contains(i.Offset)); // zeroing of all 8 bytes, then p.A
    }

    [KernelFact]
    public void The_optimized_programs_load_and_agree_with_dotnet()
    {
        using var bpf = BpfObject.Load(_elf);
        var lengths = new[] { 20, 60, 99, 100, 200, 255, 256, 1000, 1400 };
        foreach (var name in new[] { "ShiftCounts", "HighHalf", "CommSpan", "EarlyReturn", "FieldByField" })
        {
            var program = bpf.Programs[name];
            var method = _programs.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
            foreach (var length in lengths)
            {
                var ip = TestFrames.IPv4Packet(length);
                var expected = (SkbVerdict)method.Invoke(null, [SkBuffContext.ForTest(ip)])!;
                Assert.Equal(expected, (SkbVerdict)program.TestRun(TestFrames.Ethernet(ip)).ReturnValue);
            }
        }
        var counts = bpf.Maps["Counts"].AsArray<ulong>();
        var skbs = lengths.Select(n => SkBuffContext.ForTest(TestFrames.IPv4Packet(n))).ToList();
        Assert.Equal((ulong)skbs[^1].Length, counts[0]); // HighHalf's last packet
        Assert.Equal((ulong)skbs.Count(s => s.Length >= 100), counts[1]); // EarlyReturn's packets past the early return
    }
}
