using Ebpf.Tests;

namespace Ebpf.Programs.Tests.TcLegacy;

/// <summary>
/// Legacy tc: a clang sched_cls program as a cls_bpf filter on clsact, with real UDP across a veth pair between
/// two namespaces. These tests count descriptors and qdiscs, so they run alone (no other test opens descriptors meanwhile).
/// </summary>
[Collection(nameof(TcLegacySerial))]
public class TcAttachTests
{
    private const string Counts = "tc_counts";

    [KernelTheory]
    [InlineData(TcDirection.Ingress)]
    [InlineData(TcDirection.Egress)]
    public void Filter_drops_udp_to_one_port_counts_the_rest_and_leaves_nothing_after_dispose(TcDirection direction)
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(Fixtures.Path("tc_udp_drop"));
        // Ingress on the receiving end, egress on the sending end: both see every datagram from a to b.
        var (ns, dev, target) = direction == TcDirection.Ingress
            ? (lab.ReceiverNamespace, VethLab.ReceiverInterface, lab.ReceiverEnd)
            : (lab.SenderNamespace, VethLab.SenderInterface, lab.SenderEnd);
        var tc = bpf.Programs["tc_drop_udp"].AsTc();
        using (var attachment = tc.Attach(target, direction, priority: 7, handle: 3))
        {
            Assert.True(attachment.CreatedQdisc);
            Assert.Equal((7, 3u), ((int)attachment.Priority, attachment.Handle));
            var filters = lab.Tc(ns, "filter", "show", "dev", dev, direction.ToString().ToLowerInvariant());
            Assert.Contains("pref 7 bpf", filters);
            Assert.Contains("handle 0x3", filters);
            Assert.Contains("tc_drop_udp", filters);
            Assert.Contains("direct-action", filters);

            Assert.Equal((30, 0), lab.SendUdp(passing: 30, dropped: 20));
            Assert.Equal(30UL, VethLab.Counter(bpf, Counts, 0));
            Assert.Equal(20UL, VethLab.Counter(bpf, Counts, 1));
        }
        Assert.DoesNotContain("clsact", lab.Tc(ns, "qdisc", "show", "dev", dev));
        Assert.Equal("", lab.Tc(ns, "filter", "show", "dev", dev, "ingress").Trim());
        Assert.Equal("", lab.Tc(ns, "filter", "show", "dev", dev, "egress").Trim());
        // Detached for real: everything arrives and the program counts nothing more.
        Assert.Equal((5, 5), lab.SendUdp(passing: 5, dropped: 5));
        Assert.Equal(30UL, VethLab.Counter(bpf, Counts, 0));
        Assert.Equal(20UL, VethLab.Counter(bpf, Counts, 1));
    }

    [KernelFact]
    public void A_clsact_that_was_there_before_is_left_alone()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(Fixtures.Path("tc_udp_drop"));
        lab.Tc(lab.ReceiverNamespace, "qdisc", "add", "dev", VethLab.ReceiverInterface, "clsact");
        using (var attachment = bpf.Programs["tc_drop_udp"].AsTc().Attach(lab.ReceiverEnd, TcDirection.Ingress))
        {
            Assert.False(attachment.CreatedQdisc);
            Assert.Equal((4, 0), lab.SendUdp(passing: 4, dropped: 3));
            Assert.Equal(3UL, VethLab.Counter(bpf, Counts, 1));
        }
        Assert.Contains("qdisc clsact", lab.Tc(lab.ReceiverNamespace, "qdisc", "show", "dev", VethLab.ReceiverInterface));
        Assert.Equal("", lab.Tc(lab.ReceiverNamespace, "filter", "show", "dev", VethLab.ReceiverInterface, "ingress").Trim());
    }

    [KernelFact]
    public void The_qdisc_the_library_made_stays_while_another_filter_uses_it()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(Fixtures.Path("tc_udp_drop"));
        var tc = bpf.Programs["tc_drop_udp"].AsTc();
        var first = tc.Attach(lab.ReceiverEnd, TcDirection.Ingress);
        var second = tc.Attach(lab.ReceiverEnd, TcDirection.Egress); // the same process: the qdisc is still the library's
        Assert.True(first.CreatedQdisc);
        Assert.False(second.CreatedQdisc);
        // Priority and handle chosen by the kernel are read back, and are what tc shows.
        Assert.NotEqual(0, (int)first.Priority);
        Assert.NotEqual(0u, first.Handle);
        Assert.Contains($"pref {first.Priority} bpf", lab.Tc(lab.ReceiverNamespace, "filter", "show", "dev", VethLab.ReceiverInterface, "ingress"));
        first.Dispose();
        Assert.Contains("qdisc clsact", lab.Tc(lab.ReceiverNamespace, "qdisc", "show", "dev", VethLab.ReceiverInterface));
        Assert.Contains("tc_drop_udp", lab.Tc(lab.ReceiverNamespace, "filter", "show", "dev", VethLab.ReceiverInterface, "egress"));
        second.Dispose();
        Assert.DoesNotContain("clsact", lab.Tc(lab.ReceiverNamespace, "qdisc", "show", "dev", VethLab.ReceiverInterface));
    }

    [KernelFact]
    public void Errors_name_the_program_the_target_and_the_fix()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(Fixtures.Path("tc_udp_drop"));
        var tc = bpf.Programs["tc_drop_udp"].AsTc();

        var missing = Assert.ThrowsAny<BpfException>(() => tc.Attach("no-such-dev0", TcDirection.Ingress));
        Assert.Contains("tc_drop_udp", missing.Message);
        Assert.Contains("no-such-dev0", missing.Message);
        Assert.Contains("ip link", missing.Message);

        using (var held = tc.Attach(lab.ReceiverEnd, TcDirection.Ingress, priority: 1, handle: 1))
        {
            var taken = Assert.ThrowsAny<BpfException>(() => tc.Attach(lab.ReceiverEnd, TcDirection.Ingress, priority: 1, handle: 1));
            Assert.Contains("tc_drop_udp", taken.Message);
            Assert.Contains(VethLab.ReceiverInterface, taken.Message);
            Assert.Contains("EEXIST", taken.Message);
            Assert.Contains("The kernel said: Filter already exists", taken.Message); // the extended ack
            Assert.Contains("filter del dev veth-b ingress pref 1 handle 0x1 bpf", taken.Message);
            // The failed attach took nothing away: the first filter still drops.
            Assert.Equal((2, 0), lab.SendUdp(passing: 2, dropped: 2));
        }
        Assert.DoesNotContain("clsact", lab.Tc(lab.ReceiverNamespace, "qdisc", "show", "dev", VethLab.ReceiverInterface));

        using var xdp = BpfObject.Load(Fixtures.Path("xdp_legacy_udp"));
        var wrong = Assert.ThrowsAny<BpfException>(() => xdp.Programs["xdp_drop_udp"].AsTc());
        Assert.Contains("xdp_drop_udp", wrong.Message);
        Assert.Contains("sched_cls", wrong.Message);
        Assert.Contains("AsTc", wrong.Message);
    }

    [KernelFact]
    public void A_thousand_attach_dispose_cycles_leak_no_descriptor_and_leave_nothing()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(Fixtures.Path("tc_udp_drop"));
        var tc = bpf.Programs["tc_drop_udp"].AsTc();
        var target = lab.ReceiverEnd;
        tc.Attach(target, TcDirection.Ingress).Dispose(); // warm up: thread pool, first netlink use
        int before = Descriptors.SocketsAndBpfObjects();
        for (int i = 0; i < 1000; i++)
            tc.Attach(target, i % 2 == 0 ? TcDirection.Ingress : TcDirection.Egress, priority: 5, handle: 9).Dispose();
        // Tests of other classes run meanwhile and open or close a few descriptors; a leak shows as one per cycle.
        var after = Descriptors.SocketsAndBpfObjects();
        Assert.True(after <= before + 16, $"descriptors grew from {before} to {after} over the cycles");
        Assert.DoesNotContain("clsact", lab.Tc(lab.ReceiverNamespace, "qdisc", "show", "dev", VethLab.ReceiverInterface));
    }
}

[CollectionDefinition(nameof(TcLegacySerial), DisableParallelization = true)]
public sealed class TcLegacySerial;
