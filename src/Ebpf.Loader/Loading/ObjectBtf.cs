using Ebpf.Object;
using Ebpf.Object.Btf;

namespace Ebpf.Loading;

/// <summary>
/// Prepares an object's BTF for the kernel: clang leaves DATASEC sizes and variable offsets at zero
/// (libbpf fills them in from the ELF), and line_info strings must be in the string table that is loaded.
/// Type ids stay as they are, so the object's references to them remain valid.
/// </summary>
internal sealed class ObjectBtf
{
    private readonly BtfBuilder _builder = new();

    public ObjectBtf(BpfObjectFile obj)
    {
        var btf = obj.Btf ?? throw new InvalidOperationException("object without BTF");
        for (var id = 1; id < btf.Count; id++)
            _builder.Add(btf[id] is BtfDatasec datasec ? Fix(obj, btf, datasec) : btf[id]);
        foreach (var f in obj.Programs.Concat(obj.Subprograms))
            foreach (var line in f.LineInfos)
            {
                _builder.AddString(line.FileName);
                _builder.AddString(line.LineText);
            }
        Bytes = _builder.ToBytes();
    }

    public byte[] Bytes { get; }

    /// <summary>Offset of a string that is already in the table (line_info file names and lines).</summary>
    public int StringOffset(string s) => _builder.AddString(s);

    private static BtfDatasec Fix(BpfObjectFile obj, Btf btf, BtfDatasec datasec)
    {
        if (obj.Elf.FindSection(datasec.Name) is not { } section)
            return datasec; // externs (.kconfig, .ksyms) have no ELF section
        var variables = new List<BtfDatasecVar>(datasec.Variables.Count);
        foreach (var v in datasec.Variables)
        {
            var name = btf[v.Type].Name;
            var symbol = obj.Elf.Symbols.FirstOrDefault(s => s.SectionIndex == section.Index && s.Name == name);
            variables.Add(symbol.Name is null ? v : v with { Offset = (uint)symbol.Value });
        }
        variables.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return new BtfDatasec { Name = datasec.Name, Size = (uint)section.Size, Variables = variables };
    }
}
