using Ebpf.Asm;

namespace Ebpf.Native.Tests;

public class ProgramTests
{
    [KernelFact]
    public void Socket_filter_loads_and_test_runs_on_a_64_byte_packet()
    {
        using var prog = Programs.SocketFilter(1, "ret_one");
        Assert.Equal(BpfProgramType.SocketFilter, prog.Type);
        var packet = Programs.Packet(64);
        var output = new byte[128];
        var result = BpfSyscall.ProgTestRun(prog, packet, output, repeat: 100);
        Assert.Equal(1u, result.ReturnValue);
        Assert.Equal(64, result.DataSizeOut);
        // Socket filters see the packet from the network header; the kernel hands the Ethernet header back zeroed.
        Assert.Equal(packet[14..], output[14..64]);
        Assert.True(result.Duration >= TimeSpan.Zero);
    }

    [KernelFact]
    public void Tc_program_returns_its_verdict()
    {
        using var prog = Programs.Load(BpfProgramType.SchedCls, Programs.ReturnConstant(2), "tc_shot");
        var result = BpfSyscall.ProgTestRun(prog, Programs.Packet(64));
        Assert.Equal(2u, result.ReturnValue);
    }

    [KernelFact]
    public void Program_with_a_map_reference_reads_the_map()
    {
        using var map = Programs.Map(BpfMapType.Array, 4, 8, 1, "values");
        using var prog = Programs.Load(BpfProgramType.SocketFilter, Programs.LookupKeyZero(map), "lookup");
        Assert.Equal(0u, BpfSyscall.ProgTestRun(prog, Programs.Packet()).ReturnValue);
        BpfSyscall.MapUpdateElem(map, Programs.U32(0), Programs.U64(1234));
        Assert.Equal(1234u, BpfSyscall.ProgTestRun(prog, Programs.Packet()).ReturnValue);
        Assert.Contains(BpfSyscall.GetMapInfo(map).Id, BpfSyscall.GetProgramInfo(prog).MapIds);
    }

    [KernelFact]
    public void Refused_program_gives_the_verifier_log()
    {
        var insns = InstructionEncoder.Encode([Instruction.Exit()]); // r0 never set
        var ex = Assert.Throws<BpfVerifierException>(() => Programs.Load(BpfProgramType.SocketFilter, insns, "no_r0"));
        Assert.Contains("R0 !read_ok", ex.Log);
        Assert.Contains("R0 !read_ok", ex.Message);
        Assert.Contains("BPF_PROG_LOAD for program 'no_r0' failed: EACCES", ex.Message);
        Assert.Equal("no_r0", ex.ObjectName);
        Assert.Equal(BpfCommand.ProgLoad, ex.Command);
    }

    [KernelFact]
    public void Uninitialized_register_read_is_named_in_the_log()
    {
        var insns = InstructionEncoder.Encode([Instruction.Mov64(Register.R0, Register.R2), Instruction.Exit()]);
        var ex = Assert.Throws<BpfVerifierException>(() =>
            BpfSyscall.ProgLoad(new ProgLoadRequest(BpfProgramType.SocketFilter, insns, "GPL") { Name = "uninit", LogLevel = 1 }));
        Assert.Contains("R2 !read_ok", ex.Log);
    }

    [KernelFact]
    public void Verifier_log_grows_from_a_tiny_buffer()
    {
        var list = new List<Instruction>();
        for (int i = 0; i < 300; i++) list.Add(Instruction.Mov64(Register.R0, i));
        list.Add(Instruction.Exit());
        var request = new ProgLoadRequest(BpfProgramType.SocketFilter, InstructionEncoder.Encode(list), "GPL")
        {
            Name = "chatty", LogLevel = 2, LogSize = 256,
        };
        using var prog = BpfSyscall.ProgLoad(request, out var log);
        Assert.NotNull(log);
        Assert.True(log!.Length > 4096, $"log of {log.Length} chars");
        Assert.Contains("299", log);
        Assert.Contains("processed", log);
    }

    [KernelFact]
    public void Program_info_has_name_tag_type_and_sizes()
    {
        using var prog = Programs.SocketFilter(3, "info_prog");
        var info = BpfSyscall.GetProgramInfo(prog);
        Assert.Equal("info_prog", info.Name);
        Assert.Equal(BpfProgramType.SocketFilter, info.Type);
        Assert.Matches("^[0-9a-f]{16}$", info.Tag);
        Assert.Equal(16u, info.XlatedSize);
        Assert.True(info.JitedSize > 0);
        Assert.True(info.Id > 0);
        Assert.True(info.GplCompatible);
        Assert.Equal(0u, info.CreatedByUid);
        Assert.Empty(info.MapIds);
        Assert.True(info.VerifiedInstructions >= 2);
        Assert.InRange(info.LoadTimeUtc, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
    }

    [KernelFact]
    public void Enable_stats_makes_run_count_and_time_grow()
    {
        using var prog = Programs.SocketFilter(1, "stats");
        using (BpfSyscall.EnableStats(BpfStatsType.RunTime))
        {
            BpfSyscall.ProgTestRun(prog, Programs.Packet(), repeat: 1000);
            var info = BpfSyscall.GetProgramInfo(prog);
            Assert.True(info.RunCount >= 1000, $"run_cnt {info.RunCount}");
            Assert.True(info.RunTimeNs > 0);
        }
    }

    [KernelFact]
    public void Test_run_with_a_short_output_buffer_names_the_sizes()
    {
        using var prog = Programs.SocketFilter(1, "short_out");
        var ex = Assert.Throws<BpfSyscallException>(() => BpfSyscall.ProgTestRun(prog, Programs.Packet(64), new byte[16]));
        Assert.Equal("ENOSPC", ex.ErrnoName);
        Assert.Contains("program 'short_out'", ex.Message);
        Assert.Contains("buffer 16", ex.Message);
    }
}
