using System.Diagnostics;
using System.Text;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>
/// ebpf attach tracepoint / raw-tracepoint / tracing with --pin: the pinned link counts execs after the command returned,
/// ebpf link list names its kind and target, and ebpf detach removes it.
/// </summary>
public class TracingAttachCommandTests
{
    [KernelTheory]
    [InlineData("tracepoint", "sched/sched_process_exec", "tp_exec", "perf_event", "tracepoint sched_process_exec")]
    [InlineData("raw-tracepoint", "sched_process_exec", "raw_exec", "raw_tracepoint", "sched_process_exec")]
    [InlineData("tracing", null, "btf_exec", null, null)]
    public void A_pinned_tracing_link_counts_execs_is_listed_and_is_detached(string verb, string? target, string program, string? linkType, string? listed)
    {
        var pin = $"/sys/fs/bpf/ebpf-cli-trace-{Guid.NewGuid():n}"[..44];
        var args = new List<string> { "attach", verb };
        if (target is not null) args.Add(target);
        args.AddRange([Fixtures.Path("tracing_attach"), "--program", program, "--pin", pin]);
        var comm = "ebpf-" + Guid.NewGuid().ToString("n")[..10];
        var exe = Path.Combine("/tmp", comm);
        File.CreateSymbolicLink(exe, "/bin/true");
        try
        {
            var attach = CliRunner.Run([.. args]);
            Assert.True(attach.ExitCode == 0, attach.Err);
            Assert.Contains($"pinned at {pin}", attach.Out);
            Assert.Contains($"ebpf detach {pin}", attach.Out);

            // The command has returned and closed everything: only the pin holds the link.
            for (int i = 0; i < 3; i++)
                using (var p = Process.Start(new ProcessStartInfo(exe) { UseShellExecute = false })!)
                    p.WaitForExit();
            uint linkId;
            using (var link = BpfSyscall.ObjGetLink(pin))
            {
                var info = BpfSyscall.GetLinkInfo(link);
                linkId = info.Id;
                Assert.Equal(3UL, ExecCount(info.ProgramId, comm));
            }

            var list = CliRunner.Run("link", "list");
            Assert.Equal(0, list.ExitCode);
            var row = list.Out.Split('\n').Single(l => l.TrimStart().StartsWith(linkId + " "));
            if (linkType is not null) Assert.Contains(linkType, row);
            if (listed is not null) Assert.Contains(listed, row);
            else Assert.Contains("raw_tracepoint", row.Replace("tracing", "raw_tracepoint")); // tp_btf: a tracing or raw_tracepoint link

            var detach = CliRunner.Run("detach", pin);
            Assert.Equal(0, detach.ExitCode);
            Assert.False(File.Exists(pin));
            // A link without forced detach is freed after an RCU grace period once the pin was its last holder.
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (BpfSyscall.GetIds(BpfObjectKind.Link).Contains(linkId) && DateTime.UtcNow < deadline)
                Thread.Sleep(20);
            Assert.DoesNotContain(BpfSyscall.GetIds(BpfObjectKind.Link), id => id == linkId);
        }
        finally
        {
            if (File.Exists(pin)) File.Delete(pin);
            File.Delete(exe);
        }
    }

    [KernelFact]
    public void Errors_name_the_program_and_the_fix_with_exit_code_1()
    {
        var unknown = CliRunner.Run("attach", "tracepoint", "sched/no_such_event", Fixtures.Path("tracing_attach"), "--program", "tp_exec_any");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no tracepoint 'sched/no_such_event'", unknown.Err);
        Assert.DoesNotContain("   at ", unknown.Err);

        var fentry = CliRunner.Run("attach", "tracing", Fixtures.Path("trampolines"), "--program", "unlink_entry", "--pin", "/sys/fs/bpf/ebpf-cli-never");
        if (fentry.ExitCode == 1) // this kernel refuses trampolines
            Assert.Contains("refused to load a BPF trampoline program", fentry.Err);
        else
            Assert.Equal(0, CliRunner.Run("detach", "/sys/fs/bpf/ebpf-cli-never").ExitCode);
    }

    /// <summary>The program's "execs" map entry for <paramref name="comm"/>, found through the kernel's ids.</summary>
    private static ulong ExecCount(uint programId, string comm)
    {
        using var program = BpfSyscall.ProgGetFdById(programId);
        foreach (var mapId in BpfSyscall.GetProgramInfo(program).MapIds)
        {
            using var map = BpfMap.OpenById(mapId);
            if (!map.Name.StartsWith("execs")) continue;
            var key = new byte[16];
            Encoding.ASCII.GetBytes(comm, key);
            var value = new byte[16];
            return map.TryLookup(key, value) ? BitConverter.ToUInt64(value) : 0;
        }
        throw new InvalidOperationException("no execs map");
    }
}
