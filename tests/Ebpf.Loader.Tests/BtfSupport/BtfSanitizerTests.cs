using Ebpf.BtfSupport;
using Ebpf.Native;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Tests;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Loader.Tests.BtfSupport;

/// <summary>BTF rewritten for kernels that lack kinds: still valid, same ids, accepted by the kernel, and objects still load.</summary>
public class BtfSanitizerTests
{
    /// <summary>Every kind each feature brings, which must be gone when the feature is missing.</summary>
    private static readonly Dictionary<BtfFeatures, BtfKind[]> KindsOf = new()
    {
        [BtfFeatures.DataSections] = [BtfKind.Var, BtfKind.Datasec, BtfKind.DeclTag], // tags could point at the rewritten VARs
        [BtfFeatures.Functions] = [BtfKind.Func, BtfKind.FuncProto, BtfKind.DeclTag],
        [BtfFeatures.Float] = [BtfKind.Float],
        [BtfFeatures.DeclTag] = [BtfKind.DeclTag],
        [BtfFeatures.TypeTag] = [BtfKind.TypeTag],
        [BtfFeatures.Enum64] = [BtfKind.Enum64],
    };

    public static TheoryData<BtfFeatures> Missing() => new(Enum.GetValues<BtfFeatures>().Where(f => f is not (BtfFeatures.None or BtfFeatures.All)));

    /// <summary>The object's BTF as the loader prepares it (DATASECs filled in), with an ENUM64 appended to cover that kind too.</summary>
    private static byte[] PreparedBtf()
    {
        var obj = BpfObjectFile.Read(Fixtures.Path("btf_kinds"));
        var btf = obj.Btf!;
        var builder = new BtfBuilder();
        for (var id = 1; id < btf.Count; id++)
            builder.Add(btf[id] is BtfDatasec d && obj.Elf.FindSection(d.Name) is { } s ? new BtfDatasec { Name = d.Name, Size = (uint)s.Size, Variables = d.Variables } : btf[id]);
        builder.Add(new BtfEnum64 { Name = "big", Size = 8, Values = [new BtfEnumValue("HUGE", 1L << 40), new BtfEnumValue("SMALL", 1)] });
        return builder.ToBytes();
    }

    [Theory]
    [MemberData(nameof(Missing))]
    public void Removes_exactly_the_missing_kinds_and_keeps_every_id(BtfFeatures missing)
    {
        var original = BtfSpec.Parse(PreparedBtf());
        var sanitized = BtfSpec.Parse(BtfSanitizer.Sanitize(PreparedBtf(), BtfFeatures.All & ~missing));
        var gone = KindsOf.GetValueOrDefault(missing, []);
        var appended = missing == BtfFeatures.Enum64 ? 1 : 0;
        Assert.Equal(original.Count + appended, sanitized.Count);
        for (var id = 1; id < original.Count; id++)
        {
            Assert.DoesNotContain(sanitized[id].Kind, gone);
            if (!gone.Contains(original[id].Kind) && !(missing == BtfFeatures.GlobalFunctions && original[id] is BtfFunc))
                Assert.Equal(original[id].Kind, sanitized[id].Kind);
            if (original[id] is BtfComposite c)
                Assert.Equal(c.Size, ((BtfComposite)sanitized[id]).Size); // sizes, and so map value checks, are unchanged
        }
        if (missing == BtfFeatures.GlobalFunctions)
            Assert.All(sanitized.Types.OfType<BtfFunc>(), f => Assert.Equal(BtfLinkage.Static, f.Linkage));
        if (missing == BtfFeatures.DataSections)
            Assert.Contains(sanitized.Types, t => t is BtfStruct s && s.Name == "_bss");
    }

    [Fact]
    public void Unchanged_when_the_kernel_has_everything()
    {
        var bytes = PreparedBtf();
        Assert.Same(bytes, BtfSanitizer.Sanitize(bytes, BtfFeatures.All));
    }

    [KernelFact]
    public void This_kernel_has_every_feature()
    {
        Assert.Equal(BtfFeatures.All, KernelBtfFeatures.Current);
    }

    [KernelTheory]
    [MemberData(nameof(Missing))]
    public void The_kernel_accepts_the_sanitized_btf(BtfFeatures missing)
    {
        using var fd = BpfSyscall.BtfLoad(BtfSanitizer.Sanitize(PreparedBtf(), BtfFeatures.All & ~missing));
        Assert.True(BpfSyscall.GetBtfInfo(fd).Id > 0);
    }

    [KernelTheory]
    [MemberData(nameof(Missing))]
    public void Objects_load_and_run_as_on_a_kernel_without_the_feature(BtfFeatures missing)
    {
        var options = new BpfLoadOptions { BtfFeatures = BtfFeatures.All & ~missing };
        using var bpf = BpfObject.Load(Fixtures.Path("btf_kinds"), options);
        Assert.Empty(bpf.Warnings);
        var packet = new byte[64];
        packet[12] = 8;
        Assert.Equal(0u, bpf.Programs["uses_kinds"].TestRun(packet).ReturnValue); // skb->len 50 is even and samples[1].count is 0
        Span<byte> key = stackalloc byte[4];
        key.Clear();
        var bss = new byte[64];
        Assert.True(bpf.Maps[".bss"].TryLookup(key, bss));
        Assert.Equal(1, bss[24]); // samples[0].count, after float, padding, double and pointer
    }

    [KernelFact]
    public void Without_any_btf_feature_the_seed_object_still_loads_and_counts()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"), new BpfLoadOptions { BtfFeatures = BtfFeatures.None });
        Assert.Empty(bpf.Warnings);
        var packet = new byte[64];
        packet[12] = 8;
        Assert.Equal(1u, bpf.Programs["count_egress"].TestRun(packet).ReturnValue);
    }
}
