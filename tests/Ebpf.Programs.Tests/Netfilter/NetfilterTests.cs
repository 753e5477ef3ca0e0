using Ebpf.Programs.Tests.Iterators;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Netfilter;

[Collection(Iterators.AttachKindsCollection.Name)]
public class NetfilterTests
{
    [KernelFact]
    public void A_netfilter_program_drops_packets_at_local_in_of_its_namespace_until_disposed()
    {
        using var veth = new VethLab();
        Assert.Equal((3, 0), veth.ConnectBFromA(3)); // the path works before the program: b resets each connection
        using var bpf = BpfObject.Load(typeof(DropAll));
        var seen = bpf.Maps[nameof(DropAll.Seen)].AsArray<ulong>();
        using (var link = veth.B.Netns.Run(() => bpf.Programs[nameof(DropAll.Drop)].AsNetfilter().Attach(NetfilterFamily.IPv4, NetfilterHook.LocalIn, priority: -128)))
        {
            Assert.Equal(BpfLinkType.Netfilter, link.Info.Type);
            Assert.Equal((0, 4), veth.ConnectBFromA(4));
        }
        // Each SYN seen at b's LOCAL_IN and dropped there; a connect whose 500 ms timeout fires late (a loaded machine)
        // lets TCP retransmit its SYN after the 1 s initial RTO, so one connection may show twice.
        var during = seen[0];
        Assert.InRange(during, 4UL, 8UL);
        Assert.Equal((3, 0), veth.ConnectBFromA(3));
        Assert.Equal(during, seen[0]);
    }

    [KernelFact]
    public void Attach_and_dispose_a_thousand_times_leaks_no_descriptor_and_no_link()
    {
        using var ns = new TestNamespace();
        var netns = ns.Netns;
        using var bpf = BpfObject.Load(typeof(DropAll));
        var program = bpf.Programs[nameof(DropAll.Drop)].AsNetfilter();
        uint lastId = 0;
        netns.Run(() =>
        {
            LeakCheck.NoFdLeak(1000, () =>
            {
                using var link = program.Attach(NetfilterFamily.IPv6, NetfilterHook.LocalOut, priority: 10);
                lastId = link.Info.Id;
            });
            return 0;
        });
        Assert.False(BpfLinks.Exists(lastId));
    }

    [KernelFact]
    public void A_reserved_priority_is_refused_before_the_kernel_with_the_fix()
    {
        using var bpf = BpfObject.Load(typeof(DropAll));
        var e = Assert.Throws<BpfException>(() => bpf.Programs[nameof(DropAll.Drop)].AsNetfilter().Attach(NetfilterFamily.IPv4, NetfilterHook.LocalIn, int.MinValue));
        Assert.Contains("'Drop'", e.Message);
        Assert.Contains("strictly between", e.Message);
    }
}
