using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Xdp;

/// <summary>XDP links on a veth end inside a namespace, with programs written in C#, against real pings and datagrams.</summary>
[Collection(Network.NetLinksCollection.Name)]
public class XdpAttachTests
{
    [KernelTheory]
    [InlineData(XdpMode.Generic, "xdpgeneric")]
    [InlineData(XdpMode.Native, "xdp ")]
    public void Counts_icmp_and_drops_udp_to_one_port_exactly(XdpMode mode, string shownAs)
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(XdpFilter));
        var counts = bpf.Maps[nameof(XdpFilter.Counts)].AsArray<ulong>();
        Assert.Equal(10, lab.Ping(10)); // warms ARP up before the program sees anything
        long noPorts = lab.B.Snmp("Udp", "NoPorts"), echos = lab.B.Snmp("Icmp", "InEchos");

        uint linkId;
        using (var link = bpf.Programs[nameof(XdpFilter.Filter)].AsXdp().Attach(lab.InterfaceB, mode))
        {
            linkId = link.Info.Id;
            Assert.Equal(lab.InterfaceB.Index, link.Info.Ifindex);
            Assert.Contains(shownAs, lab.LinkShowB());
            Assert.Equal(20, lab.Ping(20));
            lab.SendUdp(XdpFilter.DroppedPort, 30);
            lab.SendUdp(XdpFilter.DroppedPort + 1, 7);

            Assert.Equal(20ul, counts[0]);          // every echo request, counted
            Assert.Equal(30ul, counts[1]);          // every datagram to the port, dropped ...
            Assert.Equal(7ul, counts[2]);
            Assert.Equal(7, lab.B.Snmp("Udp", "NoPorts") - noPorts);   // ... so the stack saw only the other 7
            Assert.Equal(20, lab.B.Snmp("Icmp", "InEchos") - echos);
        }

        Assert.DoesNotContain("xdp", lab.LinkShowB());
        Assert.DoesNotContain(linkId, BpfLinks.Ids());
        lab.SendUdp(XdpFilter.DroppedPort, 5);      // detached: nothing is dropped or counted any more
        Assert.Equal(7 + 5, lab.B.Snmp("Udp", "NoPorts") - noPorts);
        Assert.Equal(30ul, counts[1]);
    }

    [KernelTheory]
    [InlineData(XdpMode.Generic)]
    [InlineData(XdpMode.Native)]
    public void Replacing_the_program_under_traffic_loses_nothing(XdpMode mode)
    {
        const int datagrams = 4000;
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(XdpSwap));
        var seen = bpf.Maps[nameof(XdpSwap.Seen)].AsArray<ulong>();
        BpfProgram a = bpf.Programs[nameof(XdpSwap.CountA)], b = bpf.Programs[nameof(XdpSwap.CountB)];
        Assert.Equal(3, lab.Ping(3));
        long noPorts = lab.B.Snmp("Udp", "NoPorts");

        using var link = a.AsXdp().Attach(lab.InterfaceB, mode);
        var linkId = link.Info.Id;
        using var sender = lab.StartUdp(XdpSwap.Port, datagrams);
        int swaps = 0;
        while (!sender.HasExited)
        {
            link.Update(swaps % 2 == 0 ? b : a);
            Assert.Equal((swaps % 2 == 0 ? b : a).Info.Id, link.Info.ProgramId);
            swaps++;
            Thread.Sleep(1);
        }
        Assert.Equal(0, sender.ExitCode);
        Assert.True(swaps > 10, $"only {swaps} swaps happened while the traffic ran");
        Assert.True(seen[0] > 0 && seen[1] > 0, $"both programs ran: A {seen[0]}, B {seen[1]}");
        Assert.Equal((ulong)datagrams, seen[0] + seen[1]);                      // every datagram met exactly one program
        Assert.Equal(datagrams, lab.B.Snmp("Udp", "NoPorts") - noPorts);        // and went on to the stack
        Assert.Equal(linkId, link.Info.Id);                                     // the same link throughout
    }

    [KernelFact]
    public void Errors_name_the_program_the_interface_and_the_fix()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(XdpFilter));
        var xdp = bpf.Programs[nameof(XdpFilter.Filter)].AsXdp();

        var missing = Assert.Throws<BpfException>(() => NetInterface.Get("nosuch0", lab.B.Netns));
        Assert.Contains("no network interface 'nosuch0'", missing.Message);
        Assert.Contains(lab.B.Name, missing.Message);
        Assert.Contains("no network interface has index 9999", Assert.Throws<BpfException>(() => xdp.Attach(9999)).Message);

        // Loopback's driver has no XDP of its own.
        var lo = NetInterface.Get("lo", lab.B.Netns);
        var native = Assert.Throws<BpfException>(() => xdp.Attach(lo, XdpMode.Native));
        Assert.Contains("'Filter'", native.Message);
        Assert.Contains("does not support XDP in native mode; use XdpMode.Generic", native.Message);
        using (xdp.Attach(lo, XdpMode.Generic)) { }

        var offload = Assert.Throws<BpfException>(() => xdp.Attach(lab.InterfaceB, XdpMode.Offload));
        Assert.Contains("offload needs a NIC", offload.Message);

        // One attached the old way, through netlink (bpftool net attach uses bpf_xdp_attach): a link cannot take its place.
        var pin = $"/sys/fs/bpf/ebpf-test-xdp-{Guid.NewGuid():n}";
        bpf.Programs[nameof(XdpFilter.Filter)].Pin(pin);
        try
        {
            lab.B.Enter("bpftool", "net", "attach", "xdpgeneric", "pinned", pin, "dev", VethLab.EndB);
            var busy = Assert.Throws<BpfException>(() => xdp.Attach(lab.InterfaceB, XdpMode.Generic));
            Assert.Contains("EBUSY", busy.Message);
            Assert.Contains($"link set dev {VethLab.EndB} xdp off", busy.Message);
            var other = Assert.Throws<BpfException>(() => xdp.Attach(lab.InterfaceB, XdpMode.Native));
            Assert.Contains("EEXIST", other.Message);
            lab.B.Ip("link", "set", "dev", VethLab.EndB, "xdpgeneric", "off");
            using (xdp.Attach(lab.InterfaceB, XdpMode.Generic))
                Assert.Contains("xdpgeneric", lab.LinkShowB());
        }
        finally
        {
            File.Delete(pin);
        }

        using var minimal = BpfObject.Load(Fixtures.Path("minimal"));
        var wrong = Assert.Throws<BpfException>(() => minimal.Programs["accept_all"].AsXdp());
        Assert.Contains("not XDP", wrong.Message);
    }

    [KernelFact]
    public void A_pinned_link_outlives_its_handle_until_unpinned()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(XdpFilter));
        var pin = $"/sys/fs/bpf/ebpf-test-xdplink-{Guid.NewGuid():n}";
        uint id;
        using (var link = bpf.Programs[nameof(XdpFilter.Filter)].AsXdp().Attach(lab.InterfaceB, XdpMode.Generic))
        {
            id = link.Info.Id;
            link.Pin(pin);
        }
        try
        {
            Assert.Contains(id, BpfLinks.Ids());
            lab.SendUdp(XdpFilter.DroppedPort, 3);
            Assert.Equal(3ul, bpf.Maps[nameof(XdpFilter.Counts)].AsArray<ulong>()[1]);
            using var reopened = BpfLink.OpenPinned(pin, bpf.Programs[nameof(XdpFilter.Filter)]);
            Assert.Equal(id, reopened.Info.Id);
        }
        finally
        {
            File.Delete(pin);
        }
        Assert.True(BpfLinks.Gone(id), $"link {id} still exists after its pin was removed");
        Assert.DoesNotContain("xdp", lab.LinkShowB());
    }

    [KernelFact]
    public void A_thousand_attach_dispose_cycles_leak_no_descriptor_and_leave_nothing_attached()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(XdpFilter));
        var xdp = bpf.Programs[nameof(XdpFilter.Filter)].AsXdp();
        using (xdp.Attach(lab.InterfaceB, XdpMode.Native)) { }   // first use: lazily created runtime handles
        var before = BpfLinks.OpenFds();
        var links = BpfLinks.Ids();
        for (int i = 0; i < 1000; i++)
            using (xdp.Attach(lab.InterfaceB, i % 2 == 0 ? XdpMode.Native : XdpMode.Generic)) { }
        Assert.True(BpfLinks.OpenFds() - before < 20, $"{BpfLinks.OpenFds() - before} descriptors more after 1,000 cycles");
        Assert.DoesNotContain("xdp", lab.LinkShowB());
        Assert.DoesNotContain(BpfLinks.All(), l => !links.Contains(l.Id) && l.Type == BpfLinkType.Xdp);
    }
}
