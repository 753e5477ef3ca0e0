using System.Diagnostics;
using System.Net;
using EgressFirewall;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

public class AttachCommandTests
{
    private const string SendToBlocked = """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(b'x', ('127.0.0.2', 9400))
            print('sent')
        except PermissionError:
            print('blocked')
        """;

    /// <summary>Runs the ebpf command as its own process, so nothing of it outlives its exit but what it pinned.</summary>
    private static (int Code, string Output) RunEbpfProcess(params string[] args)
    {
        var dll = typeof(Program).Assembly.Location;
        using var p = Process.Start(new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        return (p.ExitCode, output);
    }

    [KernelFact]
    public void A_pinned_link_keeps_filtering_after_the_attaching_process_exits_until_it_is_detached()
    {
        using var lab = new TrafficLab();
        var pinDir = Path.Combine("/sys/fs/bpf", "ebpf-cli-test-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(pinDir);
        var pin = Path.Combine(pinDir, "firewall");
        // The egress firewall sample's object as its build embedded it, as a file for the command line.
        var firewall = Path.Combine(Path.GetTempPath(), Path.GetFileName(pinDir) + ".bpf.o"); // bpffs holds no plain files
        File.WriteAllBytes(firewall, EmbeddedObjects.Find(typeof(FirewallProgram)) ?? throw new InvalidOperationException("the EgressFirewall build embedded no object"));
        try
        {
            var (code, output) = RunEbpfProcess("attach", "cgroup", lab.Cgroup.Path, firewall, "--program", nameof(FirewallProgram.Filter), "--pin", pin);
            Assert.True(code == 0, output);
            Assert.Contains($"pinned at {pin}", output);

            // The process is gone; the program is still attached. Block an address through its map, found by id.
            var programId = Assert.Single(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
            using (var program = BpfSyscall.ProgGetFdById(programId))
            {
                var mapId = BpfSyscall.GetProgramInfo(program).MapIds.Single(id =>
                {
                    using var m = BpfSyscall.MapGetFdById(id);
                    return BpfSyscall.GetMapInfo(m).Name == "blocked_v4";
                });
                using var map = BpfSyscall.MapGetFdById(mapId);
                BpfSyscall.MapUpdateElem(map, IPAddress.Parse("127.0.0.2").GetAddressBytes(), new byte[8]);
            }
            Assert.Equal("blocked", lab.RunClient(SendToBlocked).Trim());

            var detach = CliRunner.Run("detach", pin);
            Assert.Equal(0, detach.ExitCode);
            Assert.False(File.Exists(pin));
            Assert.Empty(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
            Assert.Equal("sent", lab.RunClient(SendToBlocked).Trim());
        }
        finally
        {
            if (File.Exists(pin)) File.Delete(pin);
            Directory.Delete(pinDir);
            File.Delete(firewall);
        }
    }

    [KernelFact]
    public void Cgroup_show_lists_what_is_attached_and_detach_by_id_removes_it()
    {
        using var lab = new TrafficLab();
        var attach = CliRunner.Run("attach", "cgroup", lab.Cgroup.Path, Fixtures.Path("cgroup_skb"), "-p", "count_ingress", "--mode", "override");
        Assert.Equal(0, attach.ExitCode);
        var show = CliRunner.Run("cgroup", "show", lab.Cgroup.Path);
        Assert.Matches(@"cgroup_inet_ingress\s+\d+\s+count_ingress\s+cgroup_skb\s+allowoverride", show.Out);
        var id = Assert.Single(lab.Cgroup.AttachedPrograms(BpfAttachType.CgroupInetIngress));
        Assert.Equal(0, CliRunner.Run("detach", "cgroup", lab.Cgroup.Path, "--program-id", id.ToString()).ExitCode);
        Assert.Contains("no programs attached", CliRunner.Run("cgroup", "show", lab.Cgroup.Path).Out);
    }

    [KernelFact]
    public void Attach_errors_name_the_fix()
    {
        using var lab = new TrafficLab();
        var noDirection = CliRunner.Run("attach", "cgroup", lab.Cgroup.Path, Fixtures.Path("cgroup_skb"), "-p", "either_direction");
        Assert.Equal(1, noDirection.ExitCode);
        Assert.Contains("SkbDirection.Ingress or SkbDirection.Egress", noDirection.Err);
        var wrongDirection = CliRunner.Run("attach", "cgroup", lab.Cgroup.Path, Fixtures.Path("cgroup_skb"), "-p", "count_ingress", "-d", "egress");
        Assert.Equal(1, wrongDirection.ExitCode);
        Assert.Contains("was loaded for ingress", wrongDirection.Err);
        var pinSingle = CliRunner.Run("attach", "cgroup", lab.Cgroup.Path, Fixtures.Path("cgroup_skb"), "-p", "count_ingress", "--mode", "single", "--pin", "/sys/fs/bpf/x");
        Assert.Equal(1, pinSingle.ExitCode);
        Assert.Contains("only multi mode", pinSingle.Err);
        var bare = CliRunner.Run("attach", "cgroup", lab.Cgroup.Path, Path.Combine(Fixtures.Directory, "bad", "bare_cgroup_skb.o"), "-p", "no_direction");
        Assert.Equal(1, bare.ExitCode);
        Assert.Contains("needs a direction", bare.Err);
        Assert.DoesNotContain("   at ", bare.Err);
    }
}

public class LinkListTests
{
    [KernelFact]
    public void Link_list_shows_a_cgroup_link_with_its_program_and_cgroup()
    {
        using var cgroup = Cgroup.Create("ebpf-test-" + Guid.NewGuid().ToString("n")[..8]);
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        using var link = (BpfLink)bpf.Programs["count_egress"].AsCgroupSkb().Attach(cgroup);
        var (code, output, _) = CliRunner.Run("link", "list");
        Assert.Equal(0, code);
        Assert.Matches($@"{link.Info.Id}\s+cgroup\s+{bpf.Programs["count_egress"].Info.Id}\s+cgroup_inet_egress\s+cgroup {cgroup.Id}", output);
        var json = CliRunner.Run("link", "list", "--json").Out;
        Assert.Contains($"\"cgroup_id\": {cgroup.Id}", json);
    }
}
