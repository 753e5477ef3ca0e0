namespace Ebpf.Native.Errors;

/// <summary>Builds the exception for a failed call: picks the subclass and the hint from command and errno.</summary>
internal static class BpfErrors
{
    public static BpfSyscallException FromErrno(BpfCommand command, int errno, string? objectDescription, string? objectName = null)
    {
        string? hint = Hint(command, errno);
        return errno == SyscallErrno.EPERM
            ? new BpfPermissionException(command, command.KernelName(), objectDescription, objectName, hint)
            : new BpfSyscallException(command, command.KernelName(), errno, objectDescription, objectName, hint);
    }

    public static BpfSyscallException FromErrno(BpfCommand command, int errno, BpfFd? obj) =>
        FromErrno(command, errno, obj?.Describe(), obj?.Name);

    public static BpfSyscallException FromPath(BpfCommand command, int errno, string path) =>
        FromErrno(command, errno, $"path '{path}'", path);

    public static BpfSyscallException FromPosix(string operation, int errno, string? objectDescription) =>
        new(null, operation, errno, objectDescription, null, errno switch
        {
            SyscallErrno.EMFILE or SyscallErrno.ENFILE => OutOfFds,
            SyscallErrno.EPERM => Privileges,
            _ => null,
        });

    private const string Privileges =
        "Run as root or grant CAP_BPF (with CAP_PERFMON or CAP_NET_ADMIN for tracing and networking programs) or CAP_SYS_ADMIN; on kernels before 5.11 also raise RLIMIT_MEMLOCK.";

    private const string OutOfFds = "The process is out of file descriptors: dispose BPF handles you no longer need, or raise RLIMIT_NOFILE.";

    /// <summary>What usually causes this errno for this command, and what to do.</summary>
    public static string? Hint(BpfCommand command, int errno) => (command, errno) switch
    {
        (BpfCommand.MapUpdateElem or BpfCommand.MapDeleteElem or BpfCommand.MapUpdateBatch or BpfCommand.MapDeleteBatch
            or BpfCommand.MapLookupAndDeleteElem or BpfCommand.MapLookupAndDeleteBatch, SyscallErrno.EPERM) =>
            "The map is frozen or was created read-only for user space (BPF_F_RDONLY); otherwise: " + Privileges,
        (BpfCommand.ProgAttach, SyscallErrno.EPERM) => "An ancestor cgroup forbids overriding its program (attach it with BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI).",
        (BpfCommand.LinkUpdate, SyscallErrno.EPERM) => "The old program given does not match the one the link holds.",
        (_, SyscallErrno.EPERM) => Privileges,
        (BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch, SyscallErrno.E2BIG) => "The map is full (max_entries reached) or the index is past max_entries.",
        (BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch, SyscallErrno.EEXIST) => "The key already exists and BPF_NOEXIST was given.",
        (BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch, SyscallErrno.ENOENT) => "The key does not exist and BPF_EXIST was given.",
        (BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch, SyscallErrno.EINVAL) => "Check the flags: BPF_F_LOCK needs a bpf_spin_lock in the value; array maps reject BPF_NOEXIST.",
        (BpfCommand.MapCreate, SyscallErrno.EINVAL) => "The kernel refused the map's attributes: check key and value sizes, max_entries and flags for this map type.",
        (BpfCommand.MapCreate, SyscallErrno.E2BIG) => "The key, value or max_entries is larger than the kernel allows for this map type.",
        (BpfCommand.MapCreate, SyscallErrno.ENOMEM) => "Not enough memory for max_entries elements (or RLIMIT_MEMLOCK on kernels before 5.11).",
        (BpfCommand.MapFreeze, SyscallErrno.EBUSY) => "The map is already frozen or has a writable memory mapping.",
        (BpfCommand.ProgLoad, SyscallErrno.E2BIG) => "The program is too large: more instructions or verifier states than the kernel allows.",
        (BpfCommand.ProgLoad, SyscallErrno.EINVAL or SyscallErrno.EACCES) => "The verifier refused the program; load it with a log level to see why.",
        (BpfCommand.ProgLoad or BpfCommand.BtfLoad, SyscallErrno.ENOSPC) => "The verifier log did not fit in its buffer.",
        (BpfCommand.BtfLoad, SyscallErrno.EINVAL) => "The kernel refused the BTF; load it with a log level to see why.",
        (BpfCommand.ObjPin, SyscallErrno.EEXIST) => "The path is already pinned: unpin it (delete the file) or choose another path.",
        (BpfCommand.ObjPin or BpfCommand.ObjGet, SyscallErrno.ENOENT) => "No such path: is bpffs mounted (mount -t bpf bpf /sys/fs/bpf) and does the directory exist?",
        (BpfCommand.ObjPin, SyscallErrno.EINVAL) => "The path must be inside a bpffs mount (mount -t bpf bpf /sys/fs/bpf).",
        (BpfCommand.ObjGet, SyscallErrno.EINVAL) => "The path is not a pinned BPF object.",
        (BpfCommand.ProgGetFdById or BpfCommand.MapGetFdById or BpfCommand.LinkGetFdById or BpfCommand.BtfGetFdById, SyscallErrno.ENOENT) =>
            "No object has this id (it was unloaded).",
        (BpfCommand.ProgAttach, SyscallErrno.EEXIST) => "A program is already attached here: attach with BPF_F_ALLOW_MULTI, or replace it (BPF_F_REPLACE).",
        (BpfCommand.ProgAttach or BpfCommand.LinkCreate, SyscallErrno.EINVAL) =>
            "The program type or its expected attach type does not fit this attach type, or the flags conflict.",
        (BpfCommand.ProgDetach, SyscallErrno.ENOENT) => "Nothing of this attach type (or not this program) is attached to the target.",
        (BpfCommand.LinkUpdate, SyscallErrno.EINVAL) => "The new program's type or expected attach type differs from the link's.",
        (BpfCommand.ProgTestRun, SyscallErrno.ENOSPC) => "The output buffer is smaller than the program's output data.",
        (BpfCommand.ProgTestRun, var e) when SyscallErrno.IsNotSupported(e) => "This program type has no BPF_PROG_TEST_RUN support in this kernel.",
        (BpfCommand.ProgTestRun, SyscallErrno.EINVAL) => "Check the data size (at least 14 bytes for skb programs), the context and the flags for this program type.",
        (_, SyscallErrno.EBADF) => "A file descriptor passed was closed or is not a BPF object of the expected kind.",
        (_, SyscallErrno.EFAULT) => "The kernel could not read or write a buffer (a bug in Ebpf.Native: please report).",
        (_, SyscallErrno.EMFILE or SyscallErrno.ENFILE) => OutOfFds,
        (_, SyscallErrno.ENOSYS) => "This kernel has no bpf(2), or the command is too new for it.",
        (_, SyscallErrno.ENOTSUPP or SyscallErrno.EOPNOTSUPP) => "This kernel does not support the operation for this object type.",
        (_, SyscallErrno.E2BIG) => "An attribute is larger than the kernel accepts: a field this kernel does not know was set.",
        _ => null,
    };
}
