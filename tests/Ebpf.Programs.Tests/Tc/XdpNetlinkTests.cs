using Ebpf.Native.Netlink;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.TcLegacy;

/// <summary>The legacy XDP attach through netlink (IFLA_XDP) on the receiving veth end, with real UDP.</summary>
[Collection(nameof(TcLegacySerial))]
public class XdpNetlinkTests
{
    [KernelTheory]
    [InlineData(XdpMode.Generic)]
    [InlineData(XdpMode.Native)]
    public void Program_drops_udp_to_one_port_counts_the_rest_and_is_gone_after_dispose(XdpMode mode)
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(XdpUdpDrop));
        var program = bpf.Programs[nameof(XdpUdpDrop.DropUdp)];
        var target = lab.InterfaceB;
        using (var attachment = XdpNetlink.Attach(program, target, mode))
        {
            var state = XdpNetlink.Query(target);
            Assert.Equal(mode == XdpMode.Generic ? XdpAttachedMode.Generic : XdpAttachedMode.Native, state.Mode);
            Assert.Equal(program.Info.Id, state.ProgramId);
            Assert.Contains(mode == XdpMode.Generic ? "xdpgeneric" : "xdp", lab.B.Ip("link", "show", "dev", VethLab.EndB));

            Assert.Equal((25, 0), lab.SendUdp(passing: 25, dropped: 15));
            Assert.Equal(25UL, Count(bpf, 0));
            Assert.Equal(15UL, Count(bpf, 1));
        }
        Assert.Equal(XdpAttachedMode.None, XdpNetlink.Query(target).Mode);
        Assert.DoesNotContain("prog/xdp", lab.B.Ip("link", "show", "dev", VethLab.EndB));
        Assert.Equal((3, 3), lab.SendUdp(passing: 3, dropped: 3));
        Assert.Equal(15UL, Count(bpf, 1));
    }

    [KernelFact]
    public void Update_swaps_the_program_atomically_and_a_second_attach_is_refused_with_the_fix()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(XdpUdpDrop));
        var drop = bpf.Programs[nameof(XdpUdpDrop.DropUdp)];
        var passAll = bpf.Programs[nameof(XdpUdpDrop.PassAll)];
        var target = lab.InterfaceB;
        using var attachment = XdpNetlink.Attach(drop, target, XdpMode.Generic);

        var busy = Assert.ThrowsAny<BpfException>(() => XdpNetlink.Attach(passAll, target, XdpMode.Generic));
        Assert.Contains("PassAll", busy.Message);
        Assert.Contains(VethLab.EndB, busy.Message);
        Assert.Contains("XdpNetlink.Replace", busy.Message);
        Assert.Equal(drop.Info.Id, XdpNetlink.Query(target).ProgramId);

        attachment.Update(passAll);
        Assert.Same(passAll, attachment.Program);
        Assert.Equal(passAll.Info.Id, XdpNetlink.Query(target).ProgramId);
        Assert.Equal((4, 6), lab.SendUdp(passing: 4, dropped: 6)); // nothing dropped any more
        Assert.Equal(10UL, Count(bpf, 2));
        Assert.Equal(0UL, Count(bpf, 1));
    }

    [KernelFact]
    public void Dispose_leaves_a_program_that_replaced_ours_attached()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(XdpUdpDrop));
        var drop = bpf.Programs[nameof(XdpUdpDrop.DropUdp)];
        var passAll = bpf.Programs[nameof(XdpUdpDrop.PassAll)];
        var target = lab.InterfaceB;
        var ours = XdpNetlink.Attach(drop, target, XdpMode.Generic);
        var theirs = XdpNetlink.Replace(passAll, target, current: drop, XdpMode.Generic);
        ours.Dispose();
        Assert.Equal(passAll.Info.Id, XdpNetlink.Query(target).ProgramId);
        var stale = Assert.ThrowsAny<BpfException>(() => XdpNetlink.Replace(drop, target, current: drop, XdpMode.Generic));
        Assert.Contains("EEXIST", stale.Message);
        theirs.Dispose();
        Assert.Equal(0u, XdpNetlink.Query(target).ProgramId);
    }

    [KernelFact]
    public void A_thousand_attach_dispose_cycles_leak_no_descriptor()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(XdpUdpDrop));
        var program = bpf.Programs[nameof(XdpUdpDrop.DropUdp)];
        var target = lab.InterfaceB;
        XdpNetlink.Attach(program, target, XdpMode.Generic).Dispose();
        int before = Descriptors.SocketsAndBpfObjects();
        for (int i = 0; i < 1000; i++)
            XdpNetlink.Attach(program, target, XdpMode.Generic).Dispose();
        // Tests of other classes run meanwhile and open or close a few descriptors; a leak shows as one per cycle.
        var after = Descriptors.SocketsAndBpfObjects();
        Assert.True(after <= before + 16, $"descriptors grew from {before} to {after} over the cycles");
        Assert.Equal(XdpAttachedMode.None, XdpNetlink.Query(target).Mode);
    }

    private static ulong Count(BpfObject bpf, uint slot) => bpf.Maps[nameof(XdpUdpDrop.Counts)].AsArray<ulong>()[slot];
}
