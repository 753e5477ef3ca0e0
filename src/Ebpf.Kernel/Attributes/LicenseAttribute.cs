namespace Ebpf.Kernel;

/// <summary>
/// The license written to the object's "license" section. GPL-only helpers (trace_printk, probe_read, ...) need a
/// GPL-compatible one; the kernel checks it at load. On a class it covers that class's programs; on the assembly, all of them.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class LicenseAttribute : Attribute
{
    public LicenseAttribute(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("[License] needs a license name such as \"GPL\" or \"Dual BSD/GPL\".", nameof(name));
        if (name.Contains('\0'))
            throw new ArgumentException("[License] name must not hold NUL: the section is a NUL-terminated string.", nameof(name));
        Name = name;
    }

    public string Name { get; }

    /// <summary>The license strings the kernel treats as GPL-compatible (include/linux/license.h).</summary>
    public bool IsGplCompatible => Name is "GPL" or "GPL v2" or "GPL and additional rights" or "Dual BSD/GPL" or "Dual MIT/GPL" or "Dual MPL/GPL";
}
