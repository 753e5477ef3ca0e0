using Ebpf.Kernel;

namespace Ebpf.Compiler.Corpus;

/// <summary>A sysctl program: reads the setting's name into a span, and replaces what is written to ip_default_ttl with a u8 literal.</summary>
[License("GPL")]
public sealed class SysctlPrograms
{
    [CgroupSysctl]
    public static CgroupVerdict PinTtl(SysctlContext ctx)
    {
        if (!ctx.IsWrite)
            return CgroupVerdict.Allow;
        Span<byte> name = stackalloc byte[16];
        if (ctx.GetName(name, SysctlContext.BaseNameFlag) < 0)
            return CgroupVerdict.Allow;
        // "ip_default_ttl"
        if (name[0] == 'i' && name[1] == 'p' && name[3] == 'd' && name[11] == 't' && name[13] == 'l' && name[14] == 0)
            return ctx.SetNewValue("77"u8) == 0 ? CgroupVerdict.Allow : CgroupVerdict.Deny;
        return CgroupVerdict.Allow;
    }
}
