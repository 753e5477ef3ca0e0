using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Tcx;

/// <summary>tcx links on a veth end inside a namespace: programs that record the order they ran in, on real pings.</summary>
[Collection(Network.NetLinksCollection.Name)]
public class TcxAttachTests
{
    public enum Placement { First, Last, BeforeProgram, AfterProgram, BeforeLink, AfterLink, BeforeProgramId, AfterLinkId, Appended }

    /// <summary>
    /// Second is attached first; First then goes where <paramref name="placement"/> says, relative to Second. The marks each
    /// ping collected show the order: "1,12" when First ran first, "2,21" when Second did.
    /// </summary>
    [KernelTheory]
    [InlineData(Placement.First, "1,12")]
    [InlineData(Placement.BeforeProgram, "1,12")]
    [InlineData(Placement.BeforeLink, "1,12")]
    [InlineData(Placement.BeforeProgramId, "1,12")]
    [InlineData(Placement.Last, "2,21")]
    [InlineData(Placement.AfterProgram, "2,21")]
    [InlineData(Placement.AfterLink, "2,21")]
    [InlineData(Placement.AfterLinkId, "2,21")]
    [InlineData(Placement.Appended, "2,21")]
    public void Two_programs_on_one_hook_run_in_the_declared_order(Placement placement, string marks)
    {
        const int pings = 8;
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(TcxChain));
        BpfProgram first = bpf.Programs[nameof(TcxChain.First)], second = bpf.Programs[nameof(TcxChain.Second)];
        Assert.Equal(2, lab.Ping(2));

        uint firstLinkId, secondLinkId;
        using (var secondLink = second.AsTcx().Attach(lab.InterfaceB))
        {
            TcxOrder? order = placement switch
            {
                Placement.First => TcxOrder.First,
                Placement.Last => TcxOrder.Last,
                Placement.BeforeProgram => TcxOrder.Before(second),
                Placement.AfterProgram => TcxOrder.After(second),
                Placement.BeforeLink => TcxOrder.Before(secondLink),
                Placement.AfterLink => TcxOrder.After(secondLink),
                Placement.BeforeProgramId => TcxOrder.BeforeProgramId(second.Info.Id),
                Placement.AfterLinkId => TcxOrder.AfterLinkId(secondLink.Info.Id),
                _ => null,
            };
            using var firstLink = first.AsTcx().Attach(lab.InterfaceB, TcxDirection.Ingress, order);
            (firstLinkId, secondLinkId) = (firstLink.Info.Id, secondLink.Info.Id);
            Assert.Equal(BpfLinkType.Tcx, firstLink.Info.Type);
            Assert.Equal(lab.InterfaceB.Index, firstLink.Info.Ifindex);

            Assert.Equal(pings, lab.Ping(pings));
            Assert.Equal(marks, Marks(bpf, pings));

            // The kernel's own list agrees: programs and their links, in run order.
            var hook = TcxProgram.Query(lab.InterfaceB, TcxDirection.Ingress);
            var expected = marks == "1,12" ? new[] { first.Info.Id, second.Info.Id } : [second.Info.Id, first.Info.Id];
            Assert.Equal(expected, hook.ProgramIds);
            Assert.Equal(marks == "1,12" ? new[] { firstLinkId, secondLinkId } : [secondLinkId, firstLinkId], hook.LinkIds);
        }

        HookEmpties(lab);
        var ids = BpfLinks.Ids();
        Assert.DoesNotContain(firstLinkId, ids);
        Assert.DoesNotContain(secondLinkId, ids);
        Assert.Equal(4, lab.Ping(4));
        Assert.Equal(marks, Marks(bpf, pings)); // nothing ran after Dispose
    }

    [KernelFact]
    public void A_program_goes_between_two_others_and_the_expected_revision_guards_the_hook()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(TcxChain));
        var egress = TcxProgram.Query(lab.InterfaceB, TcxDirection.Egress);
        using var first = bpf.Programs[nameof(TcxChain.First)].AsTcx().Attach(lab.InterfaceB);
        using var third = bpf.Programs[nameof(TcxChain.Third)].AsTcx().Attach(lab.InterfaceB, TcxDirection.Ingress, TcxOrder.Last);
        var revision = TcxProgram.Query(lab.InterfaceB, TcxDirection.Ingress).Revision;

        var stale = Assert.Throws<BpfException>(() =>
            bpf.Programs[nameof(TcxChain.Second)].AsTcx().Attach(lab.InterfaceB, TcxDirection.Ingress, TcxOrder.After(first), expectedRevision: revision - 1));
        Assert.Contains("'Second'", stale.Message);
        Assert.Contains($"interface '{VethLab.EndB}'", stale.Message);
        Assert.Contains("ESTALE", stale.Message);
        Assert.Contains("TcxProgram.Query", stale.Message);

        using var second = bpf.Programs[nameof(TcxChain.Second)].AsTcx().Attach(lab.InterfaceB, TcxDirection.Ingress, TcxOrder.After(first), expectedRevision: revision);
        Assert.Equal(5, lab.Ping(5));
        Assert.Equal("1,12,123", Marks(bpf, 5));
        Assert.Equal(revision + 1, TcxProgram.Query(lab.InterfaceB, TcxDirection.Ingress).Revision);
        Assert.Equal(egress.ProgramIds, TcxProgram.Query(lab.InterfaceB, TcxDirection.Egress).ProgramIds); // egress untouched

        var twice = Assert.Throws<BpfException>(() => bpf.Programs[nameof(TcxChain.Second)].AsTcx().Attach(lab.InterfaceB));
        Assert.Contains("EEXIST", twice.Message);
        using var other = BpfObject.Load(typeof(TcxChain));
        var absent = Assert.Throws<BpfException>(() => bpf.Programs[nameof(TcxChain.Second)].AsTcx().Attach(lab.InterfaceB, TcxDirection.Egress, TcxOrder.Before(other.Programs[nameof(TcxChain.First)])));
        Assert.Contains("ENOENT", absent.Message);
        Assert.Contains("not on this hook", absent.Message);
    }

    [KernelFact]
    public void A_link_is_updated_in_place_and_pinned()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(TcxChain));
        var pin = $"/sys/fs/bpf/ebpf-test-tcx-{Guid.NewGuid():n}";
        uint id;
        using (var link = bpf.Programs[nameof(TcxChain.First)].AsTcx().Attach(lab.InterfaceB))
        {
            id = link.Info.Id;
            link.Update(bpf.Programs[nameof(TcxChain.Third)]);
            link.Pin(pin);
        }
        try
        {
            Assert.Equal(3, lab.Ping(3));
            Assert.Equal("3", Marks(bpf, 3));
            Assert.Contains(id, BpfLinks.Ids());
        }
        finally
        {
            File.Delete(pin);
        }
        Assert.True(BpfLinks.Gone(id), $"link {id} still exists after its pin was removed");
        HookEmpties(lab);
    }

    [KernelFact]
    public void A_thousand_attach_dispose_cycles_leak_no_descriptor()
    {
        using var lab = new VethLab();
        using var bpf = BpfObject.Load(typeof(TcxChain));
        var first = bpf.Programs[nameof(TcxChain.First)].AsTcx();
        var second = bpf.Programs[nameof(TcxChain.Second)];
        using var anchor = second.AsTcx().Attach(lab.InterfaceB);
        using (first.Attach(lab.InterfaceB)) { }
        var before = BpfLinks.OpenFds();
        for (int i = 0; i < 1000; i++)
            using (first.Attach(lab.InterfaceB, TcxDirection.Ingress, i % 2 == 0 ? TcxOrder.Before(second) : TcxOrder.After(anchor))) { }
        Assert.True(BpfLinks.OpenFds() - before < 20, $"{BpfLinks.OpenFds() - before} descriptors more after 1,000 cycles");
        Assert.Equal([second.Info.Id], TcxProgram.Query(lab.InterfaceB, TcxDirection.Ingress).ProgramIds);
    }

    /// <summary>
    /// Waits up to 5 s for the ingress hook to have no program: a link goes when its last descriptor closes, which a
    /// concurrent /proc/self/fd scan of another test (a leak check) can delay past close(2).
    /// </summary>
    private static void HookEmpties(VethLab lab) =>
        Assert.True(SpinWait.SpinUntil(() => !TcxProgram.Query(lab.InterfaceB, TcxDirection.Ingress).ProgramIds.Any(), 5000),
            $"programs still on the hook after Dispose: {string.Join(", ", TcxProgram.Query(lab.InterfaceB, TcxDirection.Ingress).ProgramIds)}");

    /// <summary>The marks recorded, in increasing order, each counted exactly <paramref name="pings"/> times (once per echo request).</summary>
    private static string Marks(BpfObject bpf, int pings)
    {
        var marks = bpf.Maps[nameof(TcxChain.Marks)].AsHashMap<uint, ulong>().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.All(marks.Values, count => Assert.True(count == (ulong)pings, $"each mark should be counted {pings} times: {string.Join(' ', marks)}"));
        return string.Join(",", marks.Keys.Order());
    }
}
