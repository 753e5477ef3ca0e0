using Ebpf.Compiler.CodeGen;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>ebpf attach xdp / tcx with --pin on a veth end inside a namespace, then ebpf detach PIN.</summary>
public class NetAttachCommandTests
{
    [KernelFact]
    public void Attach_xdp_with_a_pin_drops_until_detached()
    {
        using var lab = new VethLab();
        var (file, pin) = (TempObject(typeof(XdpFilter)), $"/sys/fs/bpf/ebpf-cli-xdp-{Guid.NewGuid():n}");
        try
        {
            var attach = CliRunner.Run("attach", "xdp", VethLab.EndB, file, "--program", nameof(XdpFilter.Filter), "--mode", "native", "--netns", lab.B.Name, "--pin", pin);
            Assert.True(attach.ExitCode == 0, attach.Err);
            Assert.Contains($"pinned at {pin}", attach.Out);
            Assert.Contains("xdp ", lab.LinkShowB());

            long noPorts = lab.B.Snmp("Udp", "NoPorts");
            lab.SendUdp(XdpFilter.DroppedPort, 10);
            Assert.Equal(0, lab.B.Snmp("Udp", "NoPorts") - noPorts);   // all dropped before the stack

            var detach = CliRunner.Run("detach", pin);
            Assert.Equal(0, detach.ExitCode);
            Assert.False(File.Exists(pin));
            Assert.DoesNotContain("xdp", lab.LinkShowB());
            lab.SendUdp(XdpFilter.DroppedPort, 10);
            Assert.Equal(10, lab.B.Snmp("Udp", "NoPorts") - noPorts);
        }
        finally
        {
            File.Delete(pin);
            File.Delete(file);
        }
    }

    [KernelFact]
    public void Attach_tcx_with_a_pin_runs_until_detached_and_errors_go_to_stderr()
    {
        using var lab = new VethLab();
        string? xdpFile = null;
        var (file, pin) = (Fixtures.Path("tcx_chain"), $"/sys/fs/bpf/ebpf-cli-tcx-{Guid.NewGuid():n}");
        try
        {
            var attach = CliRunner.Run("attach", "tcx", lab.InterfaceB.Index.ToString(), file, "-p", "second", "--direction", "ingress", "--netns", lab.B.Name, "--pin", pin);
            Assert.True(attach.ExitCode == 0, attach.Err);
            var programId = Assert.Single(TcxProgram.Query(lab.InterfaceB, TcxDirection.Ingress).ProgramIds);
            Assert.Equal(4, lab.Ping(4));
            Assert.Equal(4ul, MarkCount(programId, 2));                 // the program ran once per echo request

            Assert.Equal(0, CliRunner.Run("detach", pin).ExitCode);
            Assert.Empty(TcxProgram.Query(lab.InterfaceB, TcxDirection.Ingress).ProgramIds);

            var missing = CliRunner.Run("attach", "tcx", "nosuch0", file, "-p", "second", "--netns", lab.B.Name);
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("no network interface 'nosuch0'", missing.Err);
            var native = CliRunner.Run("attach", "xdp", "lo", xdpFile = TempObject(typeof(XdpFilter)), "-p", nameof(XdpFilter.Filter), "--mode", "native", "--netns", lab.B.Name);
            Assert.Equal(1, native.ExitCode);
            Assert.Contains("use XdpMode.Generic", native.Err);
            Assert.DoesNotContain("   at ", native.Err);
        }
        finally
        {
            File.Delete(pin);
            if (xdpFile is not null) File.Delete(xdpFile);
        }
    }

    private static string TempObject(Type programs)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ebpf-cli-net-{Guid.NewGuid():n}.bpf.o");
        File.WriteAllBytes(path, ProgramCompiler.Compile(programs));
        return path;
    }

    /// <summary>How often the program with <paramref name="programId"/> counted <paramref name="mark"/> in its Marks map.</summary>
    private static ulong MarkCount(uint programId, uint mark)
    {
        using var program = BpfSyscall.ProgGetFdById(programId);
        var mapId = BpfSyscall.GetProgramInfo(program).MapIds.Single(id =>
        {
            using var m = BpfSyscall.MapGetFdById(id);
            return BpfSyscall.GetMapInfo(m).Name == "marks";
        });
        using var map = BpfSyscall.MapGetFdById(mapId);
        var value = new byte[8];
        BpfSyscall.MapLookupElem(map, BitConverter.GetBytes(mark), value);
        return BitConverter.ToUInt64(value);
    }
}
