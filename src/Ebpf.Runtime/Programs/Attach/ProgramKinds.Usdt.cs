namespace Ebpf;

public static partial class ProgramKinds
{
    /// <summary>A program from a usdt or usdt.s section (libbpf's usdt.bpf.h), attached to the sites of a sys/sdt.h probe.</summary>
    public static UsdtProgram AsUsdt(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.Kprobe || program.SectionName is { } s && !s.StartsWith("usdt", StringComparison.Ordinal))
            throw WrongKind(program, "a USDT program (section usdt or usdt.s)", "AsUsdt");
        return new UsdtProgram(program);
    }
}
