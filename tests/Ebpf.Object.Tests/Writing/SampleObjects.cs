using Ebpf.Asm;
using Ebpf.Object.Btf;
using Ebpf.Object.Writing;

namespace Ebpf.Object.Tests.Writing;

/// <summary>Objects made with the builder by hand, as the compiler will make them.</summary>
internal static class SampleObjects
{
    public const string File = "Counter.cs";

    /// <summary>
    /// cgroup_skb/egress counter: traffic[1].packets += 1, traffic[1].bytes += skb->len, return 1; plus a .text
    /// subprogram it calls, a .rodata threshold it reads and a .bss total it adds to.
    /// </summary>
    public static BpfObjectBuilder Counter()
    {
        var b = new BpfObjectBuilder { License = "GPL", SourceFileName = File };
        var u32 = b.Btf.Add(new BtfInt { Name = "unsigned int", Size = 4, Bits = 32 });
        var u64 = b.Btf.Add(new BtfInt { Name = "unsigned long long", Size = 8, Bits = 64 });
        var counters = b.Btf.Add(new BtfStruct
        {
            Name = "counters", Size = 16,
            Members = [new BtfMember("packets", u64, 0), new BtfMember("bytes", u64, 64)],
        });
        b.AddMap(new MapDefinition("traffic", BpfMapType.Array, 2) { KeyTypeId = u32, ValueTypeId = counters });
        b.AddVariable(".rodata", "threshold", u32, BitConverter.GetBytes(100u));
        b.AddVariable(".bss", "total", u64, new byte[8]);
        b.AddVariable(".data", "calls", u64, BitConverter.GetBytes(5UL), isStatic: true);

        b.AddProgram("cgroup_skb/egress", Egress);
        var proto = b.Btf.Add(new BtfFuncProto { ReturnType = 0, Parameters = [new BtfParam("skb", b.Btf.Add(new BtfPointer { Type = 0 }))] });
        b.AddSubprogram(AddTotal with { ProtoTypeId = proto });
        return b;
    }

    /// <summary>The program as given to the builder.</summary>
    public static FunctionDefinition Egress { get; } = MakeEgress();

    /// <summary>The subprogram as given to the builder (without its prototype id).</summary>
    public static FunctionDefinition AddTotal { get; } = MakeAddTotal();

    private static FunctionDefinition MakeEgress()
    {
        Instruction[] egress =
        [
            Instruction.Mov64(Register.R6, Register.R1),                         // 0  r6 = skb
            Instruction.StoreImm(MemorySize.W, Register.R10, -4, 1),           // 1  key = 1
            Instruction.Mov64(Register.R2, Register.R10),                         // 2
            Instruction.Alu64(AluOp.Add, Register.R2, -4),                        // 3  r2 = &key
            Instruction.LoadImm64(Register.R1, 0),                                // 4  r1 = &traffic
            Instruction.CallHelper(1),                                            // 5  bpf_map_lookup_elem
            Instruction.Jump(JumpOp.Jeq, Register.R0, 0, 4),                      // 6  if !c goto out (slot 7 -> 12)
            Instruction.Mov64(Register.R1, 1),                                    // 7
            Instruction.Atomic(MemorySize.DW, AtomicOp.Add, Register.R0, 0, Register.R1), // 8 c->packets += 1
            Instruction.LoadMem(MemorySize.W, Register.R1, Register.R6, 0),    // 9  r1 = skb->len
            Instruction.Atomic(MemorySize.DW, AtomicOp.Add, Register.R0, 8, Register.R1), // 10 c->bytes += len
            Instruction.Mov64(Register.R1, Register.R6),                          // 11 out:
            Instruction.CallPseudo(0),                                            // 12 r0 = add_total(skb)
            Instruction.Mov64(Register.R0, 1),                                    // 13
            Instruction.Exit(),                                                   // 14
        ];
        return new FunctionDefinition("count_egress", egress)
        {
            Relocations = [CodeRelocation.Map(4, "traffic"), CodeRelocation.Call(12, "add_total")],
            Lines =
            [
                new SourceLine(0, File, "uint key = 1;", 10, 9),
                new SourceLine(4, File, "var c = Traffic.Lookup(key);", 11, 9),
                new SourceLine(11, File, "AddTotal(skb);", 14, 9),
                new SourceLine(13, File, "return SkbVerdict.Pass;", 15, 9),
            ],
        };
    }

    private static FunctionDefinition MakeAddTotal()
    {
        Instruction[] addTotal =
        [
            Instruction.LoadMem(MemorySize.W, Register.R2, Register.R1, 0),   // 0 (slot 0) r2 = skb->len
            Instruction.LoadImm64(Register.R1, 0),                            // 1 (slots 1-2) r1 = &threshold
            Instruction.LoadMem(MemorySize.W, Register.R1, Register.R1, 0),   // 2 (slot 3) r1 = threshold
            Instruction.Jump(JumpOp.Jgt, Register.R2, Register.R1, 3),        // 3 (slot 4) if len > threshold goto slot 8
            Instruction.LoadImm64(Register.R1, 0),                            // 4 (slots 5-6) r1 = &total
            Instruction.Atomic(MemorySize.DW, AtomicOp.Add, Register.R1, 0, Register.R2), // 5 total += len
            Instruction.Mov64(Register.R0, 0),                                // 6 (slot 8)
            Instruction.Exit(),                                               // 7
        ];
        return new FunctionDefinition("add_total", addTotal)
        {
            IsStatic = true,
            Relocations = [CodeRelocation.Variable(1, "threshold"), CodeRelocation.Variable(4, "total")],
            Lines = [new SourceLine(0, File, "if (skb.Length <= Threshold)", 20, 5), new SourceLine(4, File, "Total += skb.Length;", 21, 9)],
        };
    }
}
