using System.Buffers.Binary;
using Ebpf.Asm;
using Ebpf.Loader.Tests.Loading;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Object.Writing;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Writing;

/// <summary>Objects written by <see cref="BpfObjectBuilder"/> load into the kernel through our loader and run.</summary>
[Collection(nameof(DescriptorCount))]
public class BuiltObjectLoadTests
{
    private const string File = "Counter.cs";

    [KernelFact]
    public void Rebuilt_cgroup_skb_counter_returns_pass_and_counts()
    {
        var bytes = ObjectRebuilder.Rebuild(BpfObjectFile.Read(Fixtures.Path("cgroup_skb"))).Build();
        using var bpf = BpfObject.Load(bytes);
        var program = bpf.Programs["count_egress"];
        Assert.Equal(BpfAttachType.CgroupInetEgress, program.ExpectedAttachType);
        Assert.Equal(1u, program.TestRun(LoaderBehaviourTests.Packet(100), repeat: 5).ReturnValue);
        var (packets, bytesSeen) = Counters(bpf, 1);
        Assert.Equal(5UL, packets);
        Assert.Equal(5UL * 86, bytesSeen);
    }

    [KernelFact]
    public void Hand_built_counter_with_subprogram_and_globals_runs()
    {
        using var bpf = BpfObject.Load(Counter(readsUninitialized: false));
        var program = bpf.Programs["count_egress"];
        Assert.Equal(1u, program.TestRun(LoaderBehaviourTests.Packet(100), repeat: 3).ReturnValue);
        Assert.Equal((3UL, 3UL * 86), Counters(bpf, 1));
        using var bss = bpf.GlobalData(".bss");
        Assert.Equal(3UL * 86, bss.Get<ulong>("total"));              // add_total ran: 86 <= threshold 100
        using var rodata = bpf.GlobalData(".rodata");
        Assert.Equal(100u, rodata.Get<uint>("threshold"));
    }

    [KernelFact]
    public void A_refused_program_is_reported_at_its_source_line()
    {
        var e = Assert.Throws<BpfProgramRejectedException>(() => BpfObject.Load(Counter(readsUninitialized: true)));
        Assert.Equal("count_egress", e.Program);
        Assert.StartsWith($"{File}:15:", e.SourceLine);
        Assert.Contains("return SkbVerdict.Pass;", e.Log);
    }

    private static (ulong Packets, ulong Bytes) Counters(BpfObject bpf, uint key)
    {
        Span<byte> k = stackalloc byte[4];
        Span<byte> v = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(k, key);
        Assert.True(bpf.Maps["traffic"].TryLookup(k, v));
        return (BinaryPrimitives.ReadUInt64LittleEndian(v), BinaryPrimitives.ReadUInt64LittleEndian(v[8..]));
    }

    /// <summary>
    /// traffic[1].packets += 1, .bytes += skb->len; add_total(skb) adds len to .bss total when it is at most the .rodata
    /// threshold; returns 1. With <paramref name="readsUninitialized"/> the return reads r7, which the verifier refuses.
    /// </summary>
    private static byte[] Counter(bool readsUninitialized)
    {
        var b = new BpfObjectBuilder { License = "GPL", SourceFileName = File };
        var u32 = b.Btf.Add(new BtfInt { Name = "unsigned int", Size = 4, Bits = 32 });
        var u64 = b.Btf.Add(new BtfInt { Name = "unsigned long long", Size = 8, Bits = 64 });
        var counters = b.Btf.Add(new BtfStruct { Name = "counters", Size = 16, Members = [new BtfMember("packets", u64, 0), new BtfMember("bytes", u64, 64)] });
        b.AddMap(new MapDefinition("traffic", BpfMapType.Array, 2) { KeyTypeId = u32, ValueTypeId = counters });
        b.AddVariable(".rodata", "threshold", u32, BitConverter.GetBytes(100u));
        b.AddVariable(".bss", "total", u64, new byte[8]);

        Instruction[] egress =
        [
            Instruction.Mov64(Register.R6, Register.R1),
            Instruction.StoreImm(MemorySize.W, Register.R10, -4, 1),
            Instruction.Mov64(Register.R2, Register.R10),
            Instruction.Alu64(AluOp.Add, Register.R2, -4),
            Instruction.LoadImm64(Register.R1, 0),                                           // 4: &traffic
            Instruction.CallHelper(1),                                                       // bpf_map_lookup_elem
            Instruction.Jump(JumpOp.Jeq, Register.R0, 0, 4),
            Instruction.Mov64(Register.R1, 1),
            Instruction.Atomic(MemorySize.DW, AtomicOp.Add, Register.R0, 0, Register.R1),
            Instruction.LoadMem(MemorySize.W, Register.R1, Register.R6, 0),
            Instruction.Atomic(MemorySize.DW, AtomicOp.Add, Register.R0, 8, Register.R1),
            Instruction.Mov64(Register.R1, Register.R6),                                     // 11
            Instruction.CallPseudo(0),                                                       // 12: add_total(skb)
            readsUninitialized ? Instruction.Mov64(Register.R0, Register.R7) : Instruction.Mov64(Register.R0, 1), // 13
            Instruction.Exit(),
        ];
        b.AddProgram("cgroup_skb/egress", new FunctionDefinition("count_egress", egress)
        {
            Relocations = [CodeRelocation.Map(4, "traffic"), CodeRelocation.Call(12, "add_total")],
            Lines =
            [
                new SourceLine(0, File, "uint key = 1;", 10, 9),
                new SourceLine(4, File, "var c = Traffic.Lookup(key);", 11, 9),
                new SourceLine(11, File, "AddTotal(skb);", 14, 9),
                new SourceLine(13, File, "return SkbVerdict.Pass;", 15, 9),
            ],
        });

        Instruction[] addTotal =
        [
            Instruction.LoadMem(MemorySize.W, Register.R2, Register.R1, 0),
            Instruction.LoadImm64(Register.R1, 0),                                           // 1: &threshold
            Instruction.LoadMem(MemorySize.W, Register.R1, Register.R1, 0),
            Instruction.Jump(JumpOp.Jgt, Register.R2, Register.R1, 3),
            Instruction.LoadImm64(Register.R1, 0),                                           // 4: &total
            Instruction.Atomic(MemorySize.DW, AtomicOp.Add, Register.R1, 0, Register.R2),
            Instruction.Mov64(Register.R0, 0),
            Instruction.Exit(),
        ];
        b.AddSubprogram(new FunctionDefinition("add_total", addTotal)
        {
            IsStatic = true,
            Relocations = [CodeRelocation.Variable(1, "threshold"), CodeRelocation.Variable(4, "total")],
            Lines = [new SourceLine(0, File, "if (skb.Length <= Threshold)", 20, 5), new SourceLine(4, File, "Total += skb.Length;", 21, 9)],
        });
        return b.Build();
    }
}
