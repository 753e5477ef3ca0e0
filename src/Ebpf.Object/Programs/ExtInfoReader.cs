namespace Ebpf.Object.Programs;

/// <summary>Splits the per-section records of .BTF.ext among the functions of each section.</summary>
internal sealed class ExtInfoReader(BpfObjectFile obj)
{
    public void Attach(Dictionary<int, List<ProgramSpec>> functionsBySection)
    {
        if (obj.Btf is null) // PENDING-EXT BtfExt
            return;
        _ = functionsBySection;
    }
}
