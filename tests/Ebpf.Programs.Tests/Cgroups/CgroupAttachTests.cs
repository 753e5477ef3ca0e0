using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Cgroups;

public class CgroupAttachTests
{
    [KernelFact]
    public void Cgroup_skb_without_direction_must_be_given_one()
    {
        using var cgroup = Cgroup.Create("ebpf-test-" + Guid.NewGuid().ToString("n")[..8]);
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var either = bpf.Programs["either_direction"].AsCgroupSkb();
        Assert.Null(either.Declared);
        var e = Assert.Throws<BpfException>(() => either.Attach(cgroup));
        Assert.Throws<BpfException>(() => bpf.Programs["either_direction"].AsCgroupProgram().Attach(cgroup)); // the same through the general view
        Assert.Contains("SkbDirection.Ingress or SkbDirection.Egress", e.Message);
        using (either.Attach(cgroup, SkbDirection.Egress))
            Assert.Equal([bpf.Programs["either_direction"].Info.Id], cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
        Assert.Empty(cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
    }

    [KernelFact]
    public void Attaching_against_the_declared_direction_is_refused_with_the_fix()
    {
        using var cgroup = Cgroup.Create("ebpf-test-" + Guid.NewGuid().ToString("n")[..8]);
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var e = Assert.Throws<BpfException>(() => bpf.Programs["count_ingress"].AsCgroupSkb().Attach(cgroup, SkbDirection.Egress));
        Assert.Contains("was loaded for ingress", e.Message);
        Assert.Contains("cgroup_skb/egress", e.Message);
        Assert.Contains("cgroup/skb", e.Message);
        var wrongKind = Assert.Throws<BpfException>(() => BpfObject.Load(Fixtures.Path("minimal")).Programs["accept_all"].AsCgroupSkb());
        Assert.Contains("SocketFilter", wrongKind.Message);
    }

    [KernelTheory]
    [InlineData(CgroupAttachMode.Single)]
    [InlineData(CgroupAttachMode.Override)]
    [InlineData(CgroupAttachMode.Multi)]
    public void Every_mode_attaches_queries_and_detaches_on_dispose(CgroupAttachMode mode)
    {
        using var cgroup = Cgroup.Create("ebpf-test-" + Guid.NewGuid().ToString("n")[..8]);
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var program = bpf.Programs["count_ingress"];
        using (var attachment = program.AsCgroupSkb().Attach(cgroup, mode))
        {
            Assert.IsType(mode == CgroupAttachMode.Multi ? typeof(BpfLink) : typeof(ProgramAttachment), attachment);
            Assert.Equal([program.Info.Id], cgroup.AttachedPrograms(BpfAttachType.CgroupInetIngress));
        }
        Assert.Empty(cgroup.AttachedPrograms(BpfAttachType.CgroupInetIngress));
    }

    [KernelFact]
    public void A_link_reports_its_cgroup_and_is_updated_in_place()
    {
        using var cgroup = Cgroup.Create("ebpf-test-" + Guid.NewGuid().ToString("n")[..8]);
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        using var link = (BpfLink)bpf.Programs["count_egress"].AsCgroupSkb().Attach(cgroup);
        var info = link.Info;
        Assert.Equal(cgroup.Id, info.CgroupId);
        Assert.Equal(BpfAttachType.CgroupInetEgress, info.AttachType);
        link.Update(bpf.Programs["filter_egress"]);
        Assert.Equal(bpf.Programs["filter_egress"].Info.Id, link.Info.ProgramId);
        Assert.Equal([bpf.Programs["filter_egress"].Info.Id], cgroup.AttachedPrograms(BpfAttachType.CgroupInetEgress));
    }

    [KernelFact]
    public void Other_cgroup_kinds_attach_at_the_hook_of_their_section()
    {
        using var cgroup = Cgroup.Create("ebpf-test-" + Guid.NewGuid().ToString("n")[..8]);
        var names = new[] { "p_cgroup_sock_create", "p_post_bind4", "p_connect4", "p_sendmsg6", "p_recvmsg4", "p_getsockopt", "p_setsockopt", "p_sysctl", "p_dev", "p_sockops" };
        using var bpf = BpfObject.Load(Fixtures.Path("sections"), new BpfLoadOptions { Programs = names });
        foreach (var name in names)
        {
            var program = bpf.Programs[name].AsCgroupProgram();
            using (program.Attach(cgroup))
                Assert.Contains(bpf.Programs[name].Info.Id, cgroup.AttachedPrograms(program.AttachType));
        }
    }
}
