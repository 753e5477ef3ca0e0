using System.Text.RegularExpressions;
using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Tests.Btf;

/// <summary>The running kernel's BTF, read whole.</summary>
public class BtfVmlinuxTests
{
    private static readonly Lazy<BtfSpec?> s_kernel = new(() => BtfTestData.HasVmlinux ? BtfSpec.LoadKernel() : null);

    [Fact]
    public void Counts_and_finds_kernel_types()
    {
        if (s_kernel.Value is not { } btf) return;
        Assert.InRange(btf.Count, 50_000, 400_000);
        var task = btf.FindByName("task_struct", BtfKind.Struct);
        Assert.NotNull(task);
        Assert.IsType<BtfStruct>(task);
        Assert.Contains(((BtfStruct)task).Members, m => m.Name == "pid");
        Assert.Null(btf.FindByName("no_such_type_anywhere_42"));
        Assert.All(btf.FindAll("int"), t => Assert.Equal("int", t.Name));
        Assert.NotNull(btf.FindByName("bpf_map_lookup_elem", BtfKind.Func) ?? btf.FindByName("bpf_map_lookup_elem"));
    }

    [Fact]
    public void SizeOf_sk_buff_matches_bpftool()
    {
        if (s_kernel.Value is not { } btf) return;
        var skb = btf.FindByName("sk_buff", BtfKind.Struct)!;
        string dump = BtfTestData.Run("bpftool", $"btf dump file {BtfTestData.VmlinuxPath}");
        var m = Regex.Match(dump, @"^\[(\d+)\] STRUCT 'sk_buff' size=(\d+)", RegexOptions.Multiline);
        Assert.True(m.Success);
        Assert.Equal(int.Parse(m.Groups[1].Value), skb.Id);
        Assert.Equal(long.Parse(m.Groups[2].Value), btf.SizeOf(skb.Id));
        Assert.Equal(8, btf.SizeOf(btf.FindByName("u64", BtfKind.Typedef)!.Id));
        Assert.Equal(8, btf.AlignOf(skb.Id));
    }

    [Fact]
    public void Prints_sk_buff_context_as_c()
    {
        if (s_kernel.Value is not { } btf) return;
        string c = BtfPrinter.ToC(btf, btf.FindByName("__sk_buff", BtfKind.Struct)!.Id);
        Assert.StartsWith("struct __sk_buff {", c);
        Assert.Contains("\t__u32 remote_ip4;", c);
        Assert.Contains("\t__u32 cb[5];", c);
        Assert.EndsWith("};", c);
    }

    [Fact]
    public void Every_kernel_type_prints_and_sizes_without_unexpected_exceptions()
    {
        if (s_kernel.Value is not { } btf) return;
        int sized = 0, candidates = 0;
        for (int id = 1; id < btf.Count; id++)
        {
            Assert.NotEmpty(BtfPrinter.ToC(btf, id));
            if (btf[id] is BtfFunc or BtfFuncProto or BtfForward or BtfDeclTag) continue;
            candidates++;
            try { btf.SizeOf(id); sized++; }
            catch (BtfException) { } // e.g. a typedef of a function
        }
        Assert.True(sized > candidates * 9 / 10, $"{sized} of {candidates} types have a size");
    }
}
