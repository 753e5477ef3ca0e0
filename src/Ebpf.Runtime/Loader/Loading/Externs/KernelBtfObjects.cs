using Ebpf.Native;
using Ebpf.Object.Btf;

namespace Ebpf.Loading.Externs;

/// <summary>
/// Where a kernel symbol's BTF lives: vmlinux (object fd 0) or a module, whose BTF is loaded in the kernel as its own
/// object. Module names come from /sys/kernel/btf (read once per process); a load that needs a module's BTF opens its
/// descriptor by walking the kernel's BTF ids (BPF_BTF_GET_NEXT_ID) for the one with the module's name, as libbpf does.
/// </summary>
internal static class KernelBtfObjects
{
    public const string Directory = "/sys/kernel/btf";

    /// <summary>A symbol found in kernel BTF: its id, kind, and the module (null for vmlinux).</summary>
    public readonly record struct Found(int Id, BtfKind Kind, string? Module);

    private static readonly Lazy<Dictionary<(string, BtfKind), Found>> ModuleTypes = new(ReadModules);

    /// <summary>The first FUNC or VAR named <paramref name="name"/> in vmlinux, then in the modules; null when none has it.</summary>
    public static Found? Find(string name, BtfKind kind)
    {
        if (CoRe.KernelBtf.Shared.FindByName(name, kind) is { } type)
            return new Found(type.Id, kind, null);
        return ModuleTypes.Value.TryGetValue((name, kind), out var found) ? found : null;
    }

    /// <summary>The kernel's BTF object of <paramref name="module"/>, opened for one load.</summary>
    public static BpfBtfFd OpenModule(string module)
    {
        foreach (var id in BpfSyscall.GetIds(Native.BpfObjectKind.Btf))
        {
            BpfBtfFd fd;
            try
            {
                fd = BpfSyscall.BtfGetFdById(id);
            }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.ENOENT)
            {
                continue; // unloaded meanwhile
            }
            var info = BpfSyscall.GetBtfInfo(fd);
            if (info.IsKernel && info.Name == module)
                return fd;
            fd.Dispose();
        }
        throw new BpfLoadException($"the BTF of kernel module '{module}' is not loaded in the kernel any more (the module was unloaded?)");
    }

    private static Dictionary<(string, BtfKind), Found> ReadModules()
    {
        var result = new Dictionary<(string, BtfKind), Found>();
        if (!System.IO.Directory.Exists(Directory))
            return result;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory).Order(StringComparer.Ordinal))
        {
            var module = System.IO.Path.GetFileName(path);
            if (module == "vmlinux")
                continue;
            try
            {
                foreach (var t in ModuleBtf.Read(path, CoRe.KernelBtf.Shared))
                    if (t.Kind is BtfKind.Func or BtfKind.Var)
                        result.TryAdd((t.Name, t.Kind), new Found(t.Id, t.Kind, module));
            }
            catch (BpfException)
            {
                // A module whose BTF cannot be read offers nothing; vmlinux and the other modules still count.
            }
        }
        return result;
    }
}
