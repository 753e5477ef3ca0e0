using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>
/// The running kernel's BTF, read once per process and only when something needs it: the target of CO-RE
/// relocations and the source of attach BTF ids for tracing and LSM programs (one copy for both).
/// </summary>
internal static class KernelBtf
{
    private static readonly Lazy<Btf> Kernel = new(Btf.LoadKernel);

    /// <summary>The kernel's BTF; a kernel without it throws the <see cref="BtfException"/> of the read, every time.</summary>
    public static Btf Shared => Kernel.Value;

    /// <summary>The kernel's BTF for CO-RE; a kernel without it throws a <see cref="BpfCoReException"/> that says what is needed.</summary>
    public static Btf Value
    {
        get
        {
            try { return Kernel.Value; }
            catch (BtfException e)
            {
                throw new BpfCoReException($"CO-RE relocations need the kernel's BTF ({Btf.KernelPath}), which could not be read: {e.Message}. " +
                                           "Run on a kernel built with CONFIG_DEBUG_INFO_BTF=y.", e);
            }
        }
    }

    /// <summary>A BTF file to relocate against instead of the running kernel's (a kernel's vmlinux BTF, or a test's).</summary>
    public static Btf LoadTarget(string path)
    {
        try { return Btf.Load(path); }
        catch (Exception e) when (e is BtfException or IOException or UnauthorizedAccessException)
        {
            throw new BpfCoReException($"the CO-RE target BTF {path} could not be read: {e.Message}. Give a raw BTF file such as /sys/kernel/btf/vmlinux (BpfLoadOptions.CoreTargetBtfPath).", e);
        }
    }
}
