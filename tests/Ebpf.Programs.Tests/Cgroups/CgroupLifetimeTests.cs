using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Cgroups;

/// <summary>A cgroup's identity is the directory it holds open, not its path; one it created is removed or the failure named.</summary>
public class CgroupLifetimeTests
{
    private static string NewName() => "ebpf-test-" + Guid.NewGuid().ToString("n")[..8];

    // cgroup v2 refuses renames (EPERM), but a cgroup can be removed while attachments hold it and another made at
    // its path: detaching by path would detach the newcomer's program instead.
    [KernelFact]
    public void An_attachment_detaches_from_its_own_cgroup_after_another_took_its_path()
    {
        var name = NewName();
        using var first = Cgroup.Create(name, removeOnDispose: false);
        var firstId = first.Id;
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var program = bpf.Programs["count_ingress"];
        var old = program.AsCgroupSkb().Attach(first, CgroupAttachMode.Single);
        try
        {
            Directory.Delete(first.Path); // gone from the tree; the descriptors keep it
            using var second = Cgroup.Create(name);
            Assert.NotEqual(firstId, second.Id);
            Assert.Equal(firstId, first.Id); // the id follows the open directory, not the path
            using var current = program.AsCgroupSkb().Attach(second, CgroupAttachMode.Single);
            old.Dispose();
            Assert.Equal([program.Info.Id], second.AttachedPrograms(BpfAttachType.CgroupInetIngress));
        }
        finally
        {
            old.Dispose();
        }
    }

    [KernelFact]
    public void A_created_cgroup_that_cannot_be_removed_says_what_is_in_it_and_can_be_disposed_again()
    {
        var name = NewName();
        var parent = Cgroup.Create(name);
        var child = Cgroup.Create(name + "/inner");
        try
        {
            var e = Assert.Throws<BpfException>(parent.Dispose);
            Assert.Contains($"cgroup '{parent.Path}'", e.Message);
            Assert.Contains("child cgroups inner", e.Message);
            Assert.Contains("removeOnDispose: false", e.Message);
            Assert.True(Directory.Exists(parent.Path));
        }
        finally
        {
            child.Dispose();
            parent.Dispose(); // the child is gone: now it is removed
        }
        Assert.False(Directory.Exists(parent.Path));
    }

    [KernelFact]
    public void A_created_cgroup_with_processes_moves_them_to_the_parent_and_is_removed()
    {
        using var sleeper = System.Diagnostics.Process.Start("sleep", "30");
        try
        {
            var cgroup = Cgroup.Create(NewName());
            cgroup.AddProcess(sleeper.Id);
            Assert.Equal([sleeper.Id], cgroup.Processes());
            cgroup.Dispose();
            Assert.False(Directory.Exists(cgroup.Path));
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }

    [Fact]
    public void The_removal_error_names_the_processes_and_children_and_the_fix()
    {
        var message = Cgroup.RemovalFailure("/sys/fs/cgroup/web", ["41 (sleep)", "42 (exited)"], ["a", "b"], "Device or resource busy");
        Assert.Equal("cgroup '/sys/fs/cgroup/web' (made by Cgroup.Create) could not be removed (Device or resource busy). " +
            "Still in it: processes 41 (sleep), 42 (exited); child cgroups a, b. " +
            "Remove the child cgroups first (Dispose their Cgroup objects, or rmdir them), " +
            "move the processes elsewhere or stop them (the move to the parent cgroup failed), " +
            "then Dispose again; or pass removeOnDispose: false to keep the cgroup.", message);
        Assert.Contains("a process may still be exiting", Cgroup.RemovalFailure("/x", [], [], "busy"));
    }
}
