namespace Ebpf.Loading.Externs;

/// <summary>
/// What a ksym or kfunc extern resolved to for one load: an address (typeless ksyms), or a BTF id in vmlinux or a
/// module (typed ksyms, kfuncs) with the module's BTF descriptor and its index in the load's fd_array.
/// <see cref="Found"/> false is a weak extern this kernel does not have: 0, or a poisoned call.
/// </summary>
internal readonly record struct ResolvedExtern(bool Found, ulong Address, int BtfId, int BtfObjectFd, short FdIndex, string Where)
{
    public static ResolvedExtern Missing(string why) => new(false, 0, 0, 0, 0, why);
}
