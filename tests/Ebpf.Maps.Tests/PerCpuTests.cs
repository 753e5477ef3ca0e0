using Ebpf.Asm;
using Ebpf.Native;

namespace Ebpf.Maps.Tests;

public class PerCpuTests
{
    private static int Cpus => PossibleCpus.Count;

    [KernelFact]
    public void Per_cpu_hash_values_written_and_read_back_per_cpu()
    {
        using var map = BpfPerCpuHashMap<uint, uint>.Create(16, name: "pcpu_hash");
        var value = new PerCpu<uint>();
        for (int cpu = 0; cpu < Cpus; cpu++) value[cpu] = (uint)(cpu + 1) * 100;
        map[7] = value;

        var read = map[7];
        Assert.Equal(Cpus, read.Count);
        for (int cpu = 0; cpu < Cpus; cpu++) Assert.Equal((uint)(cpu + 1) * 100, read[cpu]);
        Assert.Equal((uint)(Cpus * (Cpus + 1) / 2 * 100), read.Sum());

        Span<uint> span = stackalloc uint[Cpus];
        Assert.True(map.TryGetValue(7, span));
        Assert.Equal(read.AsSpan().ToArray(), span.ToArray());
        Assert.False(map.TryGetValue(8, span));
        Assert.True(map.ContainsKey(7));
        Assert.False(map.ContainsKey(8));
        Assert.Throws<BpfKeyNotFoundException>(() => map[8]);

        map.Update(8, PerCpu<uint>.Fill(5), BpfUpdateFlags.NoExist);
        var e = Assert.Throws<BpfSyscallException>(() => map.Update(8, PerCpu<uint>.Fill(5), BpfUpdateFlags.NoExist));
        Assert.Equal("EEXIST", e.ErrnoName);
        Assert.Equal(new uint[] { 7, 8 }, map.Keys.Order());
        Assert.Equal(2, map.Count());
        Assert.Equal((uint)(5 * Cpus), map.Single(p => p.Key == 8).Value.Sum());
        Assert.True(map.Remove(7));
        Assert.False(map.Remove(7));

        Assert.Throws<BpfException>(() => map.Update(1, new uint[Cpus + 1]));
    }

    [KernelFact]
    public void Per_cpu_hash_batch()
    {
        using var map = BpfPerCpuHashMap<uint, ulong>.Create(256, name: "pcpu_batch");
        var keys = Enumerable.Range(0, 200).Select(i => (uint)i).ToArray();
        var values = keys.Select(k => PerCpu<ulong>.Fill(k)).ToArray();
        Assert.Equal(200, map.UpdateBatch(keys, values));
        var all = map.LookupBatch();
        Assert.Equal(200, all.Length);
        Assert.All(all, p => Assert.All(p.Value, v => Assert.Equal(p.Key, v)));
        Assert.Equal(100, map.DeleteBatch(keys.AsSpan(0, 100)));
        Assert.Equal(100, map.LookupAndDeleteBatch().Length);
        Assert.Equal(0, map.Count());
    }

    [KernelFact]
    public void Lru_per_cpu_hash()
    {
        using var map = BpfPerCpuHashMap<uint, ulong>.CreateLru(32, name: "lru_pcpu");
        map[1] = PerCpu<ulong>.Fill(9);
        Assert.Equal((ulong)(9 * Cpus), map[1].Sum());
        using var view = map.Map.AsLruPerCpuHashMap<uint, ulong>();
        Assert.Equal(9UL, view[1][0]);
    }

    [KernelFact]
    public void Per_cpu_array_with_4_byte_values_uses_8_byte_slots()
    {
        using var array = BpfPerCpuArray<int>.Create(4, name: "pcpu_arr");
        var value = new PerCpu<int>();
        for (int cpu = 0; cpu < Cpus; cpu++) value[cpu] = -(cpu + 1);
        array[2] = value;
        var read = array[2];
        for (int cpu = 0; cpu < Cpus; cpu++) Assert.Equal(-(cpu + 1), read[cpu]);
        Assert.Equal(0, array[0].Sum());

        // The raw element: one 8-byte slot per CPU, the value in the low 4 bytes.
        var raw = new byte[array.Map.ElementValueSize];
        Assert.Equal(8 * Cpus, raw.Length);
        Assert.True(array.Map.TryLookup(BitConverter.GetBytes(2u), raw));
        for (int cpu = 0; cpu < Cpus; cpu++) Assert.Equal(-(cpu + 1), BitConverter.ToInt32(raw, cpu * 8));

        Assert.Throws<BpfException>(() => array[4]);
        Assert.Equal(4, array.LookupBatch().Length);
        Assert.Equal(2, array.UpdateBatch([0u, 1u], [PerCpu<int>.Fill(1), PerCpu<int>.Fill(2)]));
        Assert.Equal(new long[] { Cpus, 2 * Cpus, -Cpus * (Cpus + 1) / 2, 0 }, array.Select(v => (long)v.Sum()));
    }

    [KernelFact]
    public void Per_cpu_array_counted_by_a_program_run_on_one_cpu_shows_in_that_slot()
    {
        if (Cpus < 2) return; // needs a second CPU to tell the slots apart
        using var array = BpfPerCpuArray<ulong>.Create(1, name: "pcpu_prog");
        using var prog = CountingProgram(array.Map);
        for (int i = 0; i < 3; i++)
            BpfSyscall.ProgTestRun(prog, new TestRunRequest { Flags = BpfTestRunFlags.RunOnCpu, Cpu = 1 });
        var value = array[0];
        Assert.Equal(0UL, value[0]);
        Assert.Equal(3UL, value[1]);
        Assert.Equal(3UL, value.Sum());
    }

    /// <summary>A raw tracepoint program (the kind whose test run can pick a CPU) doing value[0]++.</summary>
    private static BpfProgramFd CountingProgram(BpfMap map)
    {
        var insns = new List<Instruction>
        {
            Instruction.StoreImm(MemorySize.W, Register.R10, -4, 0),
            Instruction.Mov64(Register.R2, Register.R10),
            Instruction.Alu64(AluOp.Add, Register.R2, -4),
            Instruction.LoadMapFd(Register.R1, map.Fd.Fd),
            Instruction.CallHelper(1), // bpf_map_lookup_elem
            Instruction.Jump(JumpOp.Jeq, Register.R0, 0, 3),
            Instruction.LoadMem(MemorySize.DW, Register.R1, Register.R0, 0),
            Instruction.Alu64(AluOp.Add, Register.R1, 1),
            Instruction.StoreMem(MemorySize.DW, Register.R0, 0, Register.R1),
            Instruction.Mov64(Register.R0, 0),
            Instruction.Exit(),
        };
        return BpfSyscall.ProgLoad(new ProgLoadRequest(BpfProgramType.RawTracepoint, InstructionEncoder.Encode(insns), "GPL") { Name = "count_cpu" });
    }
}
