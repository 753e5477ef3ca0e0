using Ebpf.Object.Elf;
using Ebpf.Object.UsdtNotes;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Uprobes;

/// <summary>
/// USDT: a gcc-built program with a sys/sdt.h probe DTRACE_PROBE2(ebpftest, tick, i, 2*i); a clang program
/// (fixtures/usdt.c) reads both arguments with libbpf's bpf_usdt_arg and sums them in a map.
/// </summary>
public class UsdtTests(TargetBinaries binaries) : IClassFixture<TargetBinaries>
{
    private const int N = 500;

    [KernelFact]
    public void Bpf_usdt_arg_reads_both_arguments_at_every_hit()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("usdt"));
        var sums = bpf.Maps["usdt_sums"];
        using (var link = bpf.Programs["on_probe"].AsUsdt().Attach(binaries.Path("usdt"), "ebpftest", "tick"))
        {
            Assert.NotEmpty(link.Sites);
            binaries.Run("usdt", N);
        }
        Assert.Equal((ulong)N, Counters.Read(sums, 0));
        Assert.Equal(0UL, Counters.Read(sums, 3)); // no hit failed to read its arguments
        Assert.Equal((ulong)(N * (N - 1) / 2), Counters.Read(sums, 1));
        Assert.Equal((ulong)(N * (N - 1)), Counters.Read(sums, 2));

        binaries.Run("usdt", N); // detached
        Assert.Equal((ulong)N, Counters.Read(sums, 0));
    }

    [KernelFact]
    public void Attaching_twice_uses_two_spec_slots_and_both_read_their_arguments()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("usdt"));
        var usdt = bpf.Programs["on_probe"].AsUsdt();
        using (usdt.Attach(binaries.Path("usdt"), "ebpftest", "tick"))
        using (usdt.Attach(binaries.Path("usdt"), "ebpftest", "tick"))
            binaries.Run("usdt", N);
        Assert.Equal((ulong)(2 * N), Counters.Read(bpf.Maps["usdt_sums"], 0));
        Assert.Equal(0UL, Counters.Read(bpf.Maps["usdt_sums"], 3));
        Assert.Equal((ulong)(N * (N - 1)), Counters.Read(bpf.Maps["usdt_sums"], 1));
    }

    [KernelFact]
    public void A_semaphore_guarded_probe_has_its_semaphore_set_while_attached_and_fires_only_then()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("usdt"));
        var sums = bpf.Maps["usdt_sums"];
        var path = binaries.Path("usdt_sem");
        var probe = Assert.Single(UsdtProbe.Find(ElfBinary.Read(path), "ebpftest", "guarded"));
        Assert.NotEqual(0UL, probe.SemaphoreOffset);
        using var running = binaries.Start("usdt_sem");
        try
        {
            string Ask(int n)
            {
                running.StandardInput.WriteLine(n);
                running.StandardInput.Flush();
                return running.StandardOutput.ReadLine() ?? throw new InvalidOperationException("usdt_sem ended early");
            }
            Assert.Equal("0 0", Ask(10)); // nobody attached: the guard skips the probe
            using (bpf.Programs["on_probe"].AsUsdt().Attach(path, "ebpftest", "guarded"))
            {
                Assert.Equal("1 10", Ask(10)); // the kernel set the semaphore in the process already running
                Assert.Equal(10UL, Counters.Read(sums, 0));
                Assert.Equal(0UL, Counters.Read(sums, 3));
                Assert.Equal(90UL, Counters.Read(sums, 2)); // 2 * (0 + ... + 9)
            }
            Assert.Equal("0 0", Ask(10)); // detached: the semaphore is back to 0
            Assert.Equal(10UL, Counters.Read(sums, 0));
        }
        finally
        {
            running.StandardInput.Close();
            if (!running.WaitForExit(5000)) running.Kill();
        }
    }

    [KernelFact]
    public void An_unknown_probe_lists_the_probes_the_binary_has()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("usdt"));
        var e = Assert.Throws<BpfException>(() => bpf.Programs["on_probe"].AsUsdt().Attach(binaries.Path("usdt"), "ebpftest", "tock"));
        Assert.Contains("ebpftest:tick", e.Message);
        Assert.Contains("on_probe", e.Message);
        var none = Assert.Throws<BpfException>(() => bpf.Programs["on_probe"].AsUsdt().Attach(binaries.Path("target"), "ebpftest", "tick"));
        Assert.Contains("no USDT probes", none.Message);
    }

    [Fact]
    public void The_note_gives_a_site_in_executable_code_and_two_arguments()
    {
        var elf = ElfBinary.Read(binaries.Path("usdt"));
        var probe = Assert.Single(UsdtProbe.Find(elf, "ebpftest", "tick"));
        Assert.Equal(2, probe.Arguments.Count);
        Assert.Equal(4, probe.Arguments[0].Size);
        Assert.Equal(8, probe.Arguments[1].Size);
        Assert.True(elf.TryFileOffset(probe.Address, out var offset, executableOnly: true));
        Assert.Equal(offset, probe.FileOffset);
    }

    [Theory]
    [InlineData("-4@%edi", UsdtArgumentKind.Register, 4, true, 112, 0L)]
    [InlineData("8@-8(%rbp)", UsdtArgumentKind.RegisterDeref, 8, false, 32, -8L)]
    [InlineData("-4@$5", UsdtArgumentKind.Constant, 4, true, 0, 5L)]
    [InlineData("1@%al", UsdtArgumentKind.Register, 1, false, 80, 0L)]
    [InlineData("-2@0x10(%r12)", UsdtArgumentKind.RegisterDeref, 2, true, 24, 16L)]
    [InlineData("8@(%rsp)", UsdtArgumentKind.RegisterDeref, 8, false, 152, 0L)]
    public void X86_argument_specs_parse_to_pt_regs_offsets(string spec, UsdtArgumentKind kind, int size, bool signed, int ptRegs, long value)
    {
        var a = UsdtArgument.Parse(spec, X86PtRegs.Machine);
        Assert.Equal((kind, size, signed, ptRegs, value), (a.Kind, a.Size, a.Signed, a.PtRegsOffset, a.Value));
    }

    [Theory]
    [InlineData("3@%eax")]
    [InlineData("8@%xmm0")]
    [InlineData("8@8(%rax,%rbx,8)")]
    [InlineData("8@foo(%rip)")]
    public void Unreadable_argument_specs_are_errors_that_quote_them(string spec)
    {
        var e = Assert.Throws<Object.InvalidObjectException>(() => UsdtArgument.Parse(spec, X86PtRegs.Machine));
        Assert.Contains(spec, e.Message);
    }
}
