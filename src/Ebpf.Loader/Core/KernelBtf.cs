using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>The running kernel's BTF, read once per process: the target of CO-RE relocations.</summary>
internal static class KernelBtf
{
    private static readonly Lazy<Btf> Kernel = new(Btf.LoadKernel);

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
}
