using Ebpf.Native;
using Ebpf.Object.Btf;

namespace Ebpf.BtfSupport;

/// <summary>BTF kinds and flavours a kernel may lack; older kernels refuse a whole blob that uses any of them.</summary>
[Flags]
public enum BtfFeatures
{
    /// <summary>None of the optional kinds.</summary>
    None = 0,
    /// <summary>VAR and DATASEC (5.2).</summary>
    DataSections = 1 << 0,
    /// <summary>FUNC and FUNC_PROTO (5.0), needed for func_info and line_info.</summary>
    Functions = 1 << 1,
    /// <summary>FUNC with global linkage (5.6).</summary>
    GlobalFunctions = 1 << 2,
    /// <summary>FLOAT (5.13).</summary>
    Float = 1 << 3,
    /// <summary>DECL_TAG (5.16).</summary>
    DeclTag = 1 << 4,
    /// <summary>TYPE_TAG (5.17).</summary>
    TypeTag = 1 << 5,
    /// <summary>ENUM64 (6.0).</summary>
    Enum64 = 1 << 6,
    /// <summary>Every kind listed here, as on 6.0 and later kernels.</summary>
    All = DataSections | Functions | GlobalFunctions | Float | DeclTag | TypeTag | Enum64,
}

/// <summary>What the running kernel accepts, found once by loading a tiny BTF blob per feature, as libbpf probes.</summary>
public static class KernelBtfFeatures
{
    private static readonly Lazy<BtfFeatures> Probed = new(Probe);

    /// <summary>The kinds the running kernel accepts; probed on first use, then cached for the process.</summary>
    public static BtfFeatures Current => Probed.Value;

    private static BtfFeatures Probe()
    {
        var features = BtfFeatures.None;
        foreach (var (feature, build) in Probes())
            if (Accepts(build))
                features |= feature;
        return features;
    }

    private static bool Accepts(Action<BtfBuilder> build)
    {
        var b = new BtfBuilder();
        build(b);
        try
        {
            using var fd = BpfSyscall.BtfLoad(b.ToBytes());
            return true;
        }
        catch (BpfSyscallException)
        {
            return false;
        }
    }

    private static IEnumerable<(BtfFeatures, Action<BtfBuilder>)> Probes()
    {
        static int Int(BtfBuilder b) => b.Add(new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
        yield return (BtfFeatures.DataSections, b =>
        {
            var i = Int(b);
            var v = b.Add(new BtfVar { Name = "x", Type = i, Linkage = BtfLinkage.Static });
            b.Add(new BtfDatasec { Name = ".data", Size = 4, Variables = [new BtfDatasecVar(v, 0, 4)] });
        });
        yield return (BtfFeatures.Functions, b =>
        {
            var i = Int(b);
            var proto = b.Add(new BtfFuncProto { ReturnType = i });
            b.Add(new BtfFunc { Name = "f", Type = proto, Linkage = BtfLinkage.Static });
        });
        yield return (BtfFeatures.GlobalFunctions, b =>
        {
            var i = Int(b);
            var proto = b.Add(new BtfFuncProto { ReturnType = i });
            b.Add(new BtfFunc { Name = "f", Type = proto, Linkage = BtfLinkage.Global });
        });
        yield return (BtfFeatures.Float, b => b.Add(new BtfFloat { Name = "float", Size = 4 }));
        yield return (BtfFeatures.DeclTag, b =>
        {
            var i = Int(b);
            var v = b.Add(new BtfVar { Name = "x", Type = i, Linkage = BtfLinkage.Static });
            b.Add(new BtfDeclTag { Name = "tag", Type = v, ComponentIndex = -1 });
        });
        yield return (BtfFeatures.TypeTag, b =>
        {
            var i = Int(b);
            var tag = b.Add(new BtfTypeTag { Name = "tag", Type = i });
            b.Add(new BtfPointer { Type = tag });
        });
        yield return (BtfFeatures.Enum64, b => b.Add(new BtfEnum64 { Name = "e", Size = 8, Values = [new BtfEnumValue("A", 1L << 40)] }));
    }
}
