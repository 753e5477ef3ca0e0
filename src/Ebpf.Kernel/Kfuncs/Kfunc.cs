namespace Ebpf.Kernel;

/// <summary>Questions about the kfuncs (<see cref="KfuncAttribute"/>) a program declares.</summary>
public static class Kfunc
{
    /// <summary>
    /// Whether the running kernel has the kfunc <paramref name="name"/> (libbpf's <c>bpf_ksym_exists</c>): the kernel's name
    /// of a kfunc this program declares with <c>[Kfunc(Weak = true)]</c>, or the C# name of that method
    /// (<c>nameof(TaskFromVpid)</c>), as a literal. The loader sets the answer; calls guarded by it load on kernels without the kfunc.
    /// Managed runs answer true unless the test named the kfunc in <see cref="ManagedKernel.MissingKfuncs"/>.
    /// </summary>
    [Intrinsic(IntrinsicKind.KfuncExists)]
    public static bool Exists(string name) => !ManagedKernel.Current.MissingKfuncs.Contains(name);
}
