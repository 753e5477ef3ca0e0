namespace Ebpf.Native.Tests;

public class ErrorTests
{
    [KernelFact]
    public void Map_create_failure_names_command_errno_and_map()
    {
        var ex = Assert.Throws<BpfSyscallException>(() => Programs.Map(BpfMapType.Hash, 0, 8, 16, "traffic"));
        Assert.Equal(BpfCommand.MapCreate, ex.Command);
        Assert.Equal(SyscallErrno.EINVAL, ex.Errno);
        Assert.Equal("EINVAL", ex.ErrnoName);
        Assert.Equal("traffic", ex.ObjectName);
        Assert.StartsWith("BPF_MAP_CREATE for Hash map 'traffic' failed: EINVAL (Invalid argument).", ex.Message);
        Assert.NotNull(ex.Hint);
        Assert.IsAssignableFrom<BpfException>(ex);
    }

    [KernelFact]
    public void Operations_on_a_disposed_handle_throw_object_disposed()
    {
        var map = Programs.Map(BpfMapType.Array, 4, 4, 1, "gone");
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => BpfSyscall.MapLookupElem(map, new byte[4], new byte[4]));
        Assert.Throws<ObjectDisposedException>(() => map.Fd);
    }

    [KernelFact]
    public void Wrong_kind_of_descriptor_is_EBADF_or_EINVAL_with_the_object_named()
    {
        using var prog = Programs.SocketFilter(1, "not_a_cgroup");
        using var target = Programs.Map(BpfMapType.Array, 4, 4, 1, "not_a_cgroup_map");
        var ex = Assert.Throws<BpfSyscallException>(() => BpfSyscall.ProgAttach(target, prog, BpfAttachType.CgroupInetEgress));
        Assert.Contains("BPF_PROG_ATTACH for program 'not_a_cgroup'", ex.Message);
        Assert.Contains(ex.ErrnoName, ex.Message);
    }

    [Fact]
    public void Errno_names_and_hints()
    {
        Assert.Equal("E2BIG", SyscallErrno.Name(7));
        Assert.Equal("ENOTSUPP", SyscallErrno.Name(524));
        Assert.Equal("errno 4000", SyscallErrno.Name(4000));
        Assert.Equal("Operation not permitted", SyscallErrno.Description(1));
        Assert.Equal("BPF_LINK_CREATE", BpfCommand.LinkCreate.KernelName());
        var ex = new BpfSyscallException(BpfCommand.ObjPin, "BPF_OBJ_PIN", SyscallErrno.EEXIST, "path '/sys/fs/bpf/x'", "/sys/fs/bpf/x",
            Errors.BpfErrors.Hint(BpfCommand.ObjPin, SyscallErrno.EEXIST));
        Assert.Equal("BPF_OBJ_PIN for path '/sys/fs/bpf/x' failed: EEXIST (File exists). The path is already pinned: unpin it (delete the file) or choose another path.", ex.Message);
    }

    [Fact]
    public void Verifier_message_keeps_the_last_lines_and_the_log_keeps_all()
    {
        string log = string.Join("\n", Enumerable.Range(0, 50).Select(i => $"line {i}"));
        var ex = new BpfVerifierException(BpfCommand.ProgLoad, SyscallErrno.EACCES, "program 'p'", "p", null, log, truncated: false);
        Assert.Contains("line 49", ex.Message);
        Assert.DoesNotContain("line 37\n", ex.Message.Replace("\r", ""));
        Assert.Contains("last 12 of 50 lines", ex.Message);
        Assert.Equal(log, ex.Log);
    }
}
