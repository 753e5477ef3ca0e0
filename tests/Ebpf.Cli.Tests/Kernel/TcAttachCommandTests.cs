using System.Diagnostics;
using System.Text;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>ebpf attach tc: a legacy cls_bpf filter that holds until Ctrl+C, on a veth end inside a namespace.</summary>
public class TcAttachCommandTests
{
    [KernelFact]
    public void Attach_tc_drops_until_ctrl_c_then_removes_the_filter_and_its_qdisc()
    {
        using var lab = new VethLab();
        var dll = typeof(Program).Assembly.Location;
        using var p = Process.Start(new ProcessStartInfo("dotnet", [dll, "attach", "tc", VethLab.EndB, Fixtures.Path("tc_udp_drop"),
            "--program", "tc_drop_udp", "--direction", "ingress", "--priority", "3", "--handle", "0x2", "--netns", lab.B.Name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        string Output() { lock (output) return output.ToString(); }
        try
        {
            Assert.True(SpinWait.SpinUntil(() => Output().Contains("press Ctrl+C to detach") || p.HasExited, 60_000), Output());
            Assert.Contains("priority 3 handle 0x2 (clsact qdisc added)", Output());
            Assert.Contains("cannot be pinned", Output());
            var filters = lab.B.Tc("filter", "show", "dev", VethLab.EndB, "ingress");
            Assert.Contains("pref 3 bpf", filters);
            Assert.Contains("handle 0x2 tc_drop_udp", filters);
            Assert.Equal((3, 0), lab.SendUdp(passing: 3, dropped: 4));

            using (var kill = Process.Start("kill", ["-INT", p.Id.ToString()])) kill.WaitForExit();
            Assert.True(p.WaitForExit(10_000), "the command did not end on SIGINT");
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            Assert.Contains("detached", Output());
            Assert.DoesNotContain("clsact", lab.B.Tc("qdisc", "show", "dev", VethLab.EndB));
            Assert.Equal((2, 2), lab.SendUdp(passing: 2, dropped: 2));
        }
        finally
        {
            if (!p.HasExited) p.Kill();
        }
    }

    [KernelFact]
    public void Attach_tc_errors_go_to_stderr_with_the_fix()
    {
        using var lab = new VethLab();
        var file = Fixtures.Path("tc_udp_drop");

        var pin = CliRunner.Run("attach", "tc", VethLab.EndB, file, "-p", "tc_drop_udp", "-d", "ingress", "--netns", lab.B.Name, "--pin", "/sys/fs/bpf/x");
        Assert.Equal(1, pin.ExitCode);
        Assert.Contains("cannot be pinned", pin.Err);
        Assert.Contains("ebpf attach tcx", pin.Err);

        var missing = CliRunner.Run("attach", "tc", "nosuch0", file, "-p", "tc_drop_udp", "-d", "egress", "--netns", lab.B.Name);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("tc_drop_udp", missing.Err);
        Assert.Contains("nosuch0", missing.Err);

        var wrong = CliRunner.Run("attach", "tc", VethLab.EndB, Fixtures.Path("xdp_legacy_udp"), "-p", "xdp_drop_udp", "-d", "ingress", "--netns", lab.B.Name);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("not a sched_cls", wrong.Err);
        foreach (var err in new[] { pin.Err, missing.Err, wrong.Err })
            Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("clsact", lab.B.Tc("qdisc", "show", "dev", VethLab.EndB));
    }
}
