namespace Ebpf.Object.Data;

/// <summary>How a global-data section becomes a map at load.</summary>
public enum DataSectionKind
{
    /// <summary>.data and .data.*: writable by programs and by user space.</summary>
    Data,
    /// <summary>.rodata and .rodata.*: frozen after load, read-only for programs.</summary>
    ReadOnly,
    /// <summary>.bss: zero-initialized, writable.</summary>
    Bss,
    /// <summary>.kconfig: the object's Kconfig externs (LINUX_HAS_BPF_COOKIE, CONFIG_...), laid out and filled by the loader, frozen.</summary>
    Kconfig,
}
