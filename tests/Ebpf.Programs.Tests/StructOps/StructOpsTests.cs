using System.Net.Sockets;
using System.Text;
using Ebpf.Native;
using Ebpf.Object;
using Ebpf.Tests;
using Xunit.Abstractions;

namespace Ebpf.Programs.Tests.StructOps;

/// <summary>
/// A TCP congestion control from clang (tests/fixtures/struct_ops_cc.c) as a .struct_ops.link map. Where the kernel
/// loads struct_ops programs, it is registered, chosen by a socket and gone after Dispose; where it refuses them
/// (ENOTSUPP: bpftool v7.1's libbpf 1.1 gets it here for .struct_ops.link, whose programs it loads without
/// attach_btf_id; this library loads and registers both sections on this VM), the test asserts the explained error.
/// </summary>
public class StructOpsTests(ITestOutputHelper output)
{
    private const string Algorithm = "ebpf_dotnet_cc";
    private const string Available = "/proc/sys/net/ipv4/tcp_available_congestion_control";

    [Fact]
    public void The_object_has_a_struct_ops_map_with_its_members_bound_to_programs()
    {
        var obj = BpfObjectFile.Read(Fixtures.Path("struct_ops_cc"));
        var map = Assert.Single(obj.Maps, m => m.Name == Algorithm);
        Assert.Equal(BpfMapType.StructOps, map.Type);
        var ops = Assert.IsType<Ebpf.Object.Maps.StructOpsSpec>(map.StructOps);
        Assert.Equal("tcp_congestion_ops", ops.TypeName);
        Assert.True(ops.IsLink);
        Assert.Equal(1u << 13, map.Flags);
        Assert.Equal(
            [("ssthresh", "ebpf_cc_ssthresh"), ("cong_avoid", "ebpf_cc_cong_avoid"), ("undo_cwnd", "ebpf_cc_undo_cwnd")],
            ops.Members.Select(m => (m.Name, m.Program)).ToArray());
        Assert.Equal(map.ValueSize, (uint)ops.Data.Length);
        Assert.Contains(Algorithm, Encoding.ASCII.GetString(ops.Data)); // the name member's initial bytes
        Assert.All(obj.Programs.Where(p => p.SectionName.StartsWith("struct_ops/")), p => Assert.Equal(BpfProgramType.StructOps, p.Definition!.ProgramType));
    }

    [KernelFact]
    public void A_clang_congestion_control_is_registered_through_a_link_chosen_by_a_socket_and_gone_after_Dispose_or_the_refusal_is_explained() =>
        RegisterChooseUnregister("struct_ops_cc", Algorithm, viaLink: true);

    [KernelFact]
    public void A_struct_ops_map_without_a_link_is_registered_by_its_update_and_unregistered_on_Dispose_or_the_refusal_is_explained() =>
        RegisterChooseUnregister("struct_ops_cc_legacy", "ebpf_dotnet_ccl", viaLink: false);

    [KernelFact]
    public void A_member_the_kernel_does_not_let_BPF_implement_fails_with_an_error_naming_the_map_the_struct_and_ENOTSUPP()
    {
        var e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Path.Combine(Fixtures.Directory, "bad", "struct_ops_refused.o")).Dispose());
        output.WriteLine(e.Message);
        Assert.Contains("struct_ops map 'ebpf_refused_cc' (struct tcp_congestion_ops)", e.Message);
        Assert.Contains("the kernel refused the struct_ops program 'refused_get_info' for member 'get_info'", e.Message);
        Assert.Contains("errno 524 ENOTSUPP", e.Message);
        Assert.Equal(524, Assert.IsAssignableFrom<BpfSyscallException>(e.InnerException).Errno);
        Assert.False(IsAvailable("ebpf_refused_cc"));
    }

    private static bool IsAvailable(string algorithm) =>
        File.ReadAllText(Available).Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(algorithm);

    private void RegisterChooseUnregister(string fixture, string algorithm, bool viaLink)
    {
        var mapName = viaLink ? Algorithm : "ebpf_dotnet_cc_legacy";
        BpfObject bpf;
        try
        {
            bpf = BpfObject.Load(Fixtures.Path(fixture));
        }
        catch (BpfLoadException e)
        {
            output.WriteLine($"this kernel refused the struct_ops program: {e.Message}");
            Assert.Contains($"struct_ops map '{mapName}'", e.Message);
            Assert.Contains("struct tcp_congestion_ops", e.Message);
            Assert.Contains("the kernel refused the struct_ops program", e.Message);
            Assert.Contains("errno 524 ENOTSUPP", e.Message);
            Assert.Equal(524, Assert.IsAssignableFrom<BpfSyscallException>(e.InnerException).Errno);
            Assert.False(IsAvailable(algorithm));
            return;
        }
        using (bpf)
        {
            var ops = bpf.Maps[mapName].AsStructOps();
            Assert.Equal("tcp_congestion_ops", ops.StructName);
            Assert.Equal(viaLink, ops.IsLink);
            // Loading registers nothing: a link map is registered by its link, a .struct_ops map by writing its value at Attach.
            Assert.False(IsAvailable(algorithm));
            using (var registration = ops.Attach())
            {
                Assert.Equal(viaLink, registration.Link is not null);
                Assert.True(IsAvailable(algorithm));
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.SetRawSocketOption(6 /* IPPROTO_TCP */, 13 /* TCP_CONGESTION */, Encoding.ASCII.GetBytes(algorithm + "\0"));
                var chosen = new byte[16];
                var n = socket.GetRawSocketOption(6, 13, chosen);
                Assert.Equal(algorithm, Encoding.ASCII.GetString(chosen, 0, n).TrimEnd('\0'));
            }
            Assert.False(IsAvailable(algorithm));
            if (viaLink)
            {
                using (ops.Attach()) // a link map registers again
                    Assert.True(IsAvailable(algorithm));
                Assert.False(IsAvailable(algorithm));
            }
            else
            {
                Assert.Contains("registers once", Assert.Throws<BpfException>(() => ops.Attach()).Message);
            }
            output.WriteLine($"{algorithm} ({fixture}) was registered{(viaLink ? " through a link" : " by its update")}, chosen by a socket and unregistered on this kernel");
        }
    }
}
