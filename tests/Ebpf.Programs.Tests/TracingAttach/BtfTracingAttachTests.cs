using System.Buffers.Binary;
using Ebpf.Tests;
using Xunit.Abstractions;

namespace Ebpf.Programs.Tests.TracingAttach;

/// <summary>
/// BTF-targeted programs: tp_btf here (count and a typed argument); fentry/fexit on do_unlinkat and an LSM file_open
/// program where the kernel loads them, and where it refuses BPF trampolines (this VM), the loader's explanation.
/// </summary>
[Collection(TracingAttachCollection.Name)]
public class BtfTracingAttachTests(ITestOutputHelper output)
{
    [KernelFact]
    public void Tp_btf_sched_process_exec_counts_execs_and_sees_the_typed_old_pid()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("tracing_attach"), new BpfLoadOptions { Programs = ["btf_exec"] });
        var program = bpf.Programs["btf_exec"].AsTracing();
        Assert.Equal(BpfAttachType.TraceRawTp, program.AttachType);
        using var probe = new ExecProbe();
        List<int> pids;
        using (var link = program.Attach())
        {
            pids = probe.Run(3);
            Assert.Contains(link.Info.Type, new[] { BpfLinkType.Tracing, BpfLinkType.RawTracepoint });
        }
        var (count, last) = probe.Seen(bpf.Maps["execs"]);
        Assert.Equal(3UL, count);
        Assert.Equal(pids[^1], (int)last);
        Assert.Empty(BpfLinks.Of(bpf.Programs["btf_exec"]));
        Assert.Contains("AsLsm", Assert.Throws<BpfException>(() => bpf.Programs["btf_exec"].AsLsm()).Message);
    }

    [KernelFact]
    public void Fentry_and_fexit_on_do_unlinkat_count_calls_and_see_the_return_value_or_the_refusal_is_explained()
    {
        BpfObject bpf;
        try
        {
            bpf = BpfObject.Load(Fixtures.Path("trampolines"), new BpfLoadOptions { Programs = ["unlink_entry", "unlink_exit"] });
        }
        catch (BpfLoadException e)
        {
            AssertTrampolineRefusal(e, "fentry");
            return;
        }
        using (bpf)
        {
            var missing = $"/tmp/ebpf-unlink-missing-{Guid.NewGuid():n}";
            var present = Path.GetTempFileName();
            using (bpf.Programs["unlink_entry"].AsTracing().Attach())
            using (bpf.Programs["unlink_exit"].AsTracing().Attach())
            {
                File.Delete(present); // unlink(2) -> do_unlinkat: 0
                File.Delete(missing); // calls unlink(2) too, and ignores its -ENOENT, the last return seen
            }
            var key = BitConverter.GetBytes(Environment.ProcessId);
            var value = new byte[8];
            Assert.True(bpf.Maps["unlink_calls"].TryLookup(key, value));
            Assert.True(BinaryPrimitives.ReadUInt64LittleEndian(value) >= 2);
            Assert.True(bpf.Maps["unlink_ret"].TryLookup(key, value));
            Assert.Equal(-2L, BinaryPrimitives.ReadInt64LittleEndian(value));
            output.WriteLine("fentry/fexit loaded and attached on this kernel");
        }
    }

    [KernelFact]
    public void An_lsm_file_open_program_denies_this_process_until_disposed_or_the_refusal_is_explained()
    {
        BpfObject bpf;
        try
        {
            bpf = BpfObject.Load(Fixtures.Path("trampolines"), new BpfLoadOptions { Programs = ["deny_open"] });
        }
        catch (BpfLoadException e)
        {
            AssertTrampolineRefusal(e, "lsm");
            Assert.Contains("active LSMs", e.Message);
            return;
        }
        using (bpf)
        {
            var file = Path.GetTempFileName();
            try
            {
                bpf.Maps["deny_tgid"].Update(new byte[4], BitConverter.GetBytes(Environment.ProcessId));
                using (bpf.Programs["deny_open"].AsLsm().Attach())
                    Assert.Throws<UnauthorizedAccessException>(() => File.ReadAllText(file));
                Assert.Equal("", File.ReadAllText(file)); // allowed again after Dispose
                output.WriteLine("lsm/file_open loaded and attached on this kernel");
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    private void AssertTrampolineRefusal(BpfLoadException e, string kind)
    {
        output.WriteLine($"This kernel refuses {kind} programs; the loader says:{Environment.NewLine}{e.Message}");
        Assert.Contains("refused to load a BPF trampoline program", e.Message);
        Assert.Contains("EPERM", e.Message);
        Assert.Contains("CAP_BPF/CAP_SYS_ADMIN", e.Message);
        Assert.Contains("lockdown", e.Message);
        Assert.Contains("ftrace", e.Message);
        Assert.Contains("tp_btf", e.Message); // the way that works here
        if (File.Exists("/sys/kernel/security/lockdown"))
            Assert.Contains(File.ReadAllText("/sys/kernel/security/lockdown").Trim(), e.Message);
    }
}
