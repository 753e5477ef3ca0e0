using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Tests;
using Xunit.Abstractions;

namespace Ebpf.Programs.Tests.Freplace;

/// <summary>
/// freplace (fixture freplace.c): drop_all is loaded against the global function xdp_verdict of a loaded xdp_target and
/// replaces it while linked: test runs of the target show XDP_DROP, and XDP_PASS again after Dispose. Where the kernel
/// refuses BPF trampolines (this VM: freplace gets EPERM like fentry), the test asserts the loader's explanation instead.
/// </summary>
public class FreplaceTests(ITestOutputHelper output)
{
    private const uint XdpDrop = 1, XdpPass = 2;
    private static readonly byte[] Packet = new byte[64];

    [KernelFact]
    public void An_extension_replaces_the_targets_function_until_disposed_or_the_refusal_is_explained()
    {
        using var target = BpfObject.Load(Fixtures.Path("freplace"), new BpfLoadOptions { Programs = ["xdp_target"] });
        var xdp = target.Programs["xdp_target"];
        Assert.Equal(XdpPass, xdp.TestRun(Packet).ReturnValue);

        var options = new BpfLoadOptions { Programs = ["drop_all"] };
        options.Program("drop_all").AttachTarget(xdp, "xdp_verdict");
        BpfObject extension;
        try
        {
            extension = BpfObject.Load(Fixtures.Path("freplace"), options);
        }
        catch (BpfLoadException e) when (e.Message.Contains("EPERM"))
        {
            output.WriteLine($"This kernel refuses freplace programs; the loader says:{Environment.NewLine}{e.Message}");
            Assert.Contains("refused to load a BPF trampoline program (freplace)", e.Message);
            Assert.Contains("CAP_BPF/CAP_SYS_ADMIN", e.Message);
            Assert.Contains("not a privilege problem", e.Message);
            Assert.Equal(XdpPass, xdp.TestRun(Packet).ReturnValue); // the target is untouched
            return;
        }
        using (extension)
        {
            var drop = extension.Programs["drop_all"];
            using (var link = drop.AsExtension().Attach())
            {
                Assert.Equal(XdpDrop, xdp.TestRun(Packet).ReturnValue);
                Assert.Equal(XdpDrop, xdp.TestRun(Packet).ReturnValue);
            }
            Assert.Equal(XdpPass, xdp.TestRun(Packet).ReturnValue);
            using (drop.AsExtension().Attach(xdp, "xdp_verdict"))
                Assert.Equal(XdpDrop, xdp.TestRun(Packet).ReturnValue);
            Assert.Equal(XdpPass, xdp.TestRun(Packet).ReturnValue);
            Span<byte> key = stackalloc byte[4], value = stackalloc byte[8];
            Assert.True(extension.Maps["ext_calls"].TryLookup(key, value));
            Assert.Equal(3ul, BitConverter.ToUInt64(value));
        }
    }

    [KernelFact]
    public void The_target_function_is_found_in_the_btf_the_kernel_holds_for_the_target()
    {
        var spec = BpfObjectFile.Read(Fixtures.Path("freplace"));
        using var target = BpfObject.Load(spec, new BpfLoadOptions { Programs = ["xdp_target"] });
        Assert.Equal((uint)spec.Btf!.FindByName("xdp_verdict", BtfKind.Func)!.Id, target.Programs["xdp_target"].FunctionBtfId("xdp_verdict"));
    }

    [KernelFact]
    public void A_missing_or_static_target_function_is_named_before_the_kernel_is_asked()
    {
        using var target = BpfObject.Load(Fixtures.Path("freplace"), new BpfLoadOptions { Programs = ["xdp_target"] });
        var xdp = target.Programs["xdp_target"];

        var options = new BpfLoadOptions { Programs = ["drop_all"] };
        options.Program("drop_all").AttachTarget(xdp, "no_such_function");
        var e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path("freplace"), options));
        Assert.Contains("has no function 'no_such_function'; it has: ", e.Message);
        Assert.Contains("xdp_verdict", e.Message);

        options.Program("drop_all").AttachTarget(xdp, "static_verdict");
        e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path("freplace"), options));
        Assert.Contains("that function is static", e.Message);
    }

    [KernelFact]
    public void Without_a_target_the_error_says_how_to_give_one()
    {
        var e = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path("freplace"), new BpfLoadOptions { Programs = ["drop_all"] }));
        Assert.Contains("options.Program(\"drop_all\").AttachTarget(targetProgram, \"xdp_verdict\")", e.Message);
    }

    [KernelFact]
    public void Only_extensions_have_the_extension_view()
    {
        using var target = BpfObject.Load(Fixtures.Path("freplace"), new BpfLoadOptions { Programs = ["xdp_target"] });
        Assert.Contains("AsExtension", Assert.Throws<BpfException>(() => target.Programs["xdp_target"].AsExtension()).Message);
    }
}
