namespace Ebpf.Native.Tests;

public class AttachTests
{
    private static BpfProgramFd CgroupSkb(int verdict, string name) =>
        Programs.Load(BpfProgramType.CgroupSkb, Programs.ReturnConstant(verdict), name, BpfAttachType.CgroupInetEgress);

    [KernelFact]
    public void Prog_attach_query_and_detach_on_a_fresh_cgroup()
    {
        using var cgroup = new TestCgroup();
        using var prog = CgroupSkb(1, "egress_pass");
        uint id = BpfSyscall.GetProgramInfo(prog).Id;

        Assert.Empty(BpfSyscall.ProgQuery(cgroup.Handle, BpfAttachType.CgroupInetEgress).ProgramIds);
        BpfSyscall.ProgAttach(cgroup.Handle, prog, BpfAttachType.CgroupInetEgress, BpfAttachFlags.AllowMulti);
        var query = BpfSyscall.ProgQuery(cgroup.Handle, BpfAttachType.CgroupInetEgress);
        Assert.Equal([id], query.ProgramIds);
        Assert.Equal(BpfAttachFlags.AllowMulti, query.AttachFlags);

        BpfSyscall.ProgDetach(cgroup.Handle, prog, BpfAttachType.CgroupInetEgress);
        Assert.Empty(BpfSyscall.ProgQuery(cgroup.Handle, BpfAttachType.CgroupInetEgress).ProgramIds);

        var ex = Assert.Throws<BpfSyscallException>(() => BpfSyscall.ProgDetach(cgroup.Handle, prog, BpfAttachType.CgroupInetEgress));
        Assert.Equal("ENOENT", ex.ErrnoName);
        Assert.Contains("BPF_PROG_DETACH for program 'egress_pass' at CgroupInetEgress failed: ENOENT", ex.Message);
    }

    [KernelFact]
    public void Single_mode_attach_twice_is_refused_with_a_hint()
    {
        using var cgroup = new TestCgroup();
        using var a = CgroupSkb(1, "first");
        using var b = CgroupSkb(0, "second");
        BpfSyscall.ProgAttach(cgroup.Handle, a, BpfAttachType.CgroupInetEgress);
        try
        {
            // Single mode replaces silently in some kernels and refuses in others; with replace it must work.
            BpfSyscall.ProgAttach(cgroup.Handle, b, BpfAttachType.CgroupInetEgress, BpfAttachFlags.None, replace: null);
            Assert.Equal([BpfSyscall.GetProgramInfo(b).Id], BpfSyscall.ProgQuery(cgroup.Handle, BpfAttachType.CgroupInetEgress).ProgramIds);
        }
        catch (BpfSyscallException ex)
        {
            Assert.Contains("BPF_PROG_ATTACH for program 'second'", ex.Message);
        }
        finally
        {
            BpfSyscall.ProgDetach(cgroup.Handle, null, BpfAttachType.CgroupInetEgress);
        }
    }

    [KernelFact]
    public void Link_create_update_and_detach_with_cgroup_info()
    {
        using var cgroup = new TestCgroup();
        using var first = CgroupSkb(1, "link_first");
        using var second = CgroupSkb(1, "link_second");
        using var link = BpfSyscall.LinkCreate(first, cgroup.Handle, BpfAttachType.CgroupInetEgress);

        var info = BpfSyscall.GetLinkInfo(link);
        Assert.Equal(BpfLinkType.Cgroup, info.Type);
        Assert.Equal(BpfAttachType.CgroupInetEgress, info.AttachType);
        Assert.Equal(cgroup.Id, info.CgroupId);
        Assert.Equal(BpfSyscall.GetProgramInfo(first).Id, info.ProgramId);
        Assert.Contains(info.Id, BpfSyscall.GetIds(BpfObjectKind.Link));
        Assert.Equal([info.ProgramId], BpfSyscall.ProgQuery(cgroup.Handle, BpfAttachType.CgroupInetEgress).ProgramIds);

        BpfSyscall.LinkUpdate(link, second);
        uint secondId = BpfSyscall.GetProgramInfo(second).Id;
        Assert.Equal(secondId, BpfSyscall.GetLinkInfo(link).ProgramId);

        // Replacing with the wrong "old" program is refused.
        var ex = Assert.Throws<BpfPermissionException>(() => BpfSyscall.LinkUpdate(link, first, oldProgram: first));
        Assert.Contains("BPF_LINK_UPDATE", ex.Message);
        BpfSyscall.LinkUpdate(link, first, oldProgram: second);

        using (var byId = BpfSyscall.LinkGetFdById(info.Id))
            Assert.Equal(info.Id, BpfSyscall.GetLinkInfo(byId).Id);

        BpfSyscall.LinkDetach(link);
        Assert.Empty(BpfSyscall.ProgQuery(cgroup.Handle, BpfAttachType.CgroupInetEgress).ProgramIds);
    }

    [KernelFact]
    public void Pinned_link_outlives_its_descriptor()
    {
        using var dir = new BpffsDirectory();
        using var cgroup = new TestCgroup();
        using var prog = CgroupSkb(1, "pinned_link");
        using (var link = BpfSyscall.LinkCreate(prog, cgroup.Handle, BpfAttachType.CgroupInetEgress))
            BpfSyscall.ObjPin(link, dir["link"]);
        Assert.Single(BpfSyscall.ProgQuery(cgroup.Handle, BpfAttachType.CgroupInetEgress).ProgramIds);
        using (var again = BpfSyscall.ObjGetLink(dir["link"]))
        {
            Assert.Equal(BpfLinkType.Cgroup, BpfSyscall.GetLinkInfo(again).Type);
            BpfSyscall.LinkDetach(again);
        }
        Assert.Empty(BpfSyscall.ProgQuery(cgroup.Handle, BpfAttachType.CgroupInetEgress).ProgramIds);
    }
}
