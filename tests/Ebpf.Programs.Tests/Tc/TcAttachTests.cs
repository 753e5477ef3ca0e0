using Ebpf.Tests;

namespace Ebpf.Programs.Tests.TcLegacy;

/// <summary>
/// Legacy tc: a C# sched_cls program (and once a clang one, to show foreign objects attach the same way) as a cls_bpf
/// filter on clsact, with real UDP across a veth pair between two namespaces. These tests count descriptors and qdiscs, so they run alone (no other test opens descriptors meanwhile).
/// </summary>
[Collection(nameof(TcLegacySerial))]
public class TcAttachTests
{
    [KernelTheory]
    [InlineData(TcDirection.Ingress)]
    [InlineData(TcDirection.Egress)]
    public void Filter_drops_udp_to_one_port_counts_the_rest_and_leaves_nothing_after_dispose(TcDirection direction)
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(TcUdpDrop));
        // Ingress on the receiving end, egress on the sending end: both see every datagram from a to b.
        var (ns, dev, target) = direction == TcDirection.Ingress
            ? (lab.B, VethLab.EndB, lab.InterfaceB)
            : (lab.A, VethLab.EndA, lab.InterfaceA);
        var tc = bpf.Programs[nameof(TcUdpDrop.TcDropUdp)].AsTc();
        using (var attachment = tc.Attach(target, direction, priority: 7, handle: 3))
        {
            Assert.True(attachment.CreatedQdisc);
            Assert.Equal((7, 3u), ((int)attachment.Priority, attachment.Handle));
            var filters = ns.Tc("filter", "show", "dev", dev, direction.ToString().ToLowerInvariant());
            Assert.Contains("pref 7 bpf", filters);
            Assert.Contains("handle 0x3", filters);
            Assert.Contains("TcDropUdp", filters);
            Assert.Contains("direct-action", filters);

            Assert.Equal((30, 0), lab.SendUdp(passing: 30, dropped: 20));
            Assert.Equal(30UL, Count(bpf, 0));
            Assert.Equal(20UL, Count(bpf, 1));
        }
        Assert.DoesNotContain("clsact", ns.Tc("qdisc", "show", "dev", dev));
        Assert.Equal("", ns.Tc("filter", "show", "dev", dev, "ingress").Trim());
        Assert.Equal("", ns.Tc("filter", "show", "dev", dev, "egress").Trim());
        // Detached for real: everything arrives and the program counts nothing more.
        Assert.Equal((5, 5), lab.SendUdp(passing: 5, dropped: 5));
        Assert.Equal(30UL, Count(bpf, 0));
        Assert.Equal(20UL, Count(bpf, 1));
    }

    [KernelFact]
    public void A_clsact_that_was_there_before_is_left_alone()
    {
        using var lab = new VethLab();
        // clang's object (tc_udp_drop.c): a foreign program attaches as the library's own do.
        using var bpf = BpfObject.Load(Fixtures.Path("tc_udp_drop"));
        lab.B.Tc("qdisc", "add", "dev", VethLab.EndB, "clsact");
        using (var attachment = bpf.Programs["tc_drop_udp"].AsTc().Attach(lab.InterfaceB, TcDirection.Ingress))
        {
            Assert.False(attachment.CreatedQdisc);
            Assert.Equal((4, 0), lab.SendUdp(passing: 4, dropped: 3));
            Assert.Equal(3UL, bpf.Maps["tc_counts"].AsArray<ulong>()[1]);
        }
        Assert.Contains("qdisc clsact", lab.B.Tc("qdisc", "show", "dev", VethLab.EndB));
        Assert.Equal("", lab.B.Tc("filter", "show", "dev", VethLab.EndB, "ingress").Trim());
    }

    [KernelFact]
    public void The_qdisc_the_library_made_stays_while_another_filter_uses_it()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(TcUdpDrop));
        var tc = bpf.Programs[nameof(TcUdpDrop.TcDropUdp)].AsTc();
        var first = tc.Attach(lab.InterfaceB, TcDirection.Ingress);
        var second = tc.Attach(lab.InterfaceB, TcDirection.Egress); // the same process: the qdisc is still the library's
        Assert.True(first.CreatedQdisc);
        Assert.False(second.CreatedQdisc);
        // Priority and handle chosen by the kernel are read back, and are what tc shows.
        Assert.NotEqual(0, (int)first.Priority);
        Assert.NotEqual(0u, first.Handle);
        Assert.Contains($"pref {first.Priority} bpf", lab.B.Tc("filter", "show", "dev", VethLab.EndB, "ingress"));
        first.Dispose();
        Assert.Contains("qdisc clsact", lab.B.Tc("qdisc", "show", "dev", VethLab.EndB));
        Assert.Contains("TcDropUdp", lab.B.Tc("filter", "show", "dev", VethLab.EndB, "egress"));
        second.Dispose();
        Assert.DoesNotContain("clsact", lab.B.Tc("qdisc", "show", "dev", VethLab.EndB));
    }

    [KernelFact]
    public void Errors_name_the_program_the_target_and_the_fix()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(TcUdpDrop));
        var tc = bpf.Programs[nameof(TcUdpDrop.TcDropUdp)].AsTc();

        var missing = Assert.ThrowsAny<BpfException>(() => tc.Attach("no-such-dev0", TcDirection.Ingress));
        Assert.Contains("TcDropUdp", missing.Message);
        Assert.Contains("no-such-dev0", missing.Message);
        Assert.Contains("ip link", missing.Message);

        using (var held = tc.Attach(lab.InterfaceB, TcDirection.Ingress, priority: 1, handle: 1))
        {
            var taken = Assert.ThrowsAny<BpfException>(() => tc.Attach(lab.InterfaceB, TcDirection.Ingress, priority: 1, handle: 1));
            Assert.Contains("TcDropUdp", taken.Message);
            Assert.Contains(VethLab.EndB, taken.Message);
            Assert.Contains("EEXIST", taken.Message);
            Assert.Contains("The kernel said: Filter already exists", taken.Message); // the extended ack
            Assert.Contains("filter del dev veth-b ingress pref 1 handle 0x1 bpf", taken.Message);
            // The failed attach took nothing away: the first filter still drops.
            Assert.Equal((2, 0), lab.SendUdp(passing: 2, dropped: 2));
        }
        Assert.DoesNotContain("clsact", lab.B.Tc("qdisc", "show", "dev", VethLab.EndB));

        using var xdp = BpfObject.Load(typeof(XdpUdpDrop));
        var wrong = Assert.ThrowsAny<BpfException>(() => xdp.Programs[nameof(XdpUdpDrop.DropUdp)].AsTc());
        Assert.Contains("DropUdp", wrong.Message);
        Assert.Contains("sched_cls", wrong.Message);
        Assert.Contains("AsTc", wrong.Message);
    }

    [KernelFact]
    public void A_thousand_attach_dispose_cycles_leak_no_descriptor_and_leave_nothing()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(TcUdpDrop));
        var tc = bpf.Programs[nameof(TcUdpDrop.TcDropUdp)].AsTc();
        var target = lab.InterfaceB;
        tc.Attach(target, TcDirection.Ingress).Dispose(); // warm up: thread pool, first netlink use
        int before = Descriptors.SocketsAndBpfObjects();
        for (int i = 0; i < 1000; i++)
            tc.Attach(target, i % 2 == 0 ? TcDirection.Ingress : TcDirection.Egress, priority: 5, handle: 9).Dispose();
        // Tests of other classes run meanwhile and open or close a few descriptors; a leak shows as one per cycle.
        var after = Descriptors.SocketsAndBpfObjects();
        Assert.True(after <= before + 16, $"descriptors grew from {before} to {after} over the cycles");
        Assert.DoesNotContain("clsact", lab.B.Tc("qdisc", "show", "dev", VethLab.EndB));
    }

    private static ulong Count(BpfObject bpf, uint slot) => bpf.Maps[nameof(TcUdpDrop.Counts)].AsArray<ulong>()[slot];
}

[CollectionDefinition(nameof(TcLegacySerial), DisableParallelization = true)]
public sealed class TcLegacySerial;
