using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Tests.Btf;

/// <summary>BTF made from scratch (as the compiler will) reads back with every field, and prints as C.</summary>
public class BtfBuilderTests
{
    private static (BtfSpec Btf, Dictionary<string, int> Ids) BuildAllKinds()
    {
        var b = new BtfBuilder();
        var ids = new Dictionary<string, int>();
        int Add(string key, BtfType t) => ids[key] = b.Add(t);
        int i32 = Add("int", new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
        int u8 = Add("u8", new BtfInt { Name = "unsigned char", Size = 1, Bits = 8 });
        int ptr = Add("ptr", new BtfPointer { Type = u8 });
        int arr = Add("arr", new BtfArray { ElementType = u8, IndexType = i32, Count = 16 });
        int fwd = Add("fwd", new BtfForward { Name = "later", IsUnion = false });
        int fwdPtr = Add("fwdptr", new BtfPointer { Type = fwd });
        int proto = Add("proto", new BtfFuncProto { ReturnType = i32, Parameters = [new BtfParam("ctx", ptr), new BtfParam("", 0)] });
        int fnPtr = Add("fnptr", new BtfPointer { Type = proto });
        int inner = Add("inner", new BtfUnion { Size = 4, Members = [new BtfMember("a", i32, 0), new BtfMember("b", u8, 0)] });
        int e = Add("enum", new BtfEnum { Name = "color", Size = 4, Signed = true, Values = [new BtfEnumValue("RED", -1), new BtfEnumValue("GREEN", 7)] });
        int e64 = Add("enum64", new BtfEnum64 { Name = "big", Size = 8, Values = [new BtfEnumValue("HUGE", unchecked((long)0xFFFF_FFFF_FFFF_FFF0UL))] });
        int s = Add("struct", new BtfStruct
        {
            Name = "sample", Size = 40, HasBitfieldSizes = true,
            Members =
            [
                new BtfMember("flags", i32, 0, 3), new BtfMember("mode", i32, 3, 5), new BtfMember("", inner, 32),
                new BtfMember("name", arr, 64), new BtfMember("cb", fnPtr, 192), new BtfMember("next", fwdPtr, 256),
                new BtfMember("c", e, 0x140 - 0x20),
            ],
        });
        int td = Add("typedef", new BtfTypedef { Name = "sample_t", Type = s });
        Add("volatile", new BtfVolatile { Type = i32 });
        int cst = Add("const", new BtfConst { Type = u8 });
        Add("restrict", new BtfRestrict { Type = ptr });
        int func = Add("func", new BtfFunc { Name = "handler", Type = proto, Linkage = BtfLinkage.Global });
        int var = Add("var", new BtfVar { Name = "counter", Type = td, Linkage = BtfLinkage.Global });
        Add("datasec", new BtfDatasec { Name = ".bss", Size = 40, Variables = [new BtfDatasecVar(var, 0, 40)] });
        Add("float", new BtfFloat { Name = "double", Size = 8 });
        Add("decltag", new BtfDeclTag { Name = "kfunc", Type = func, ComponentIndex = -1 });
        Add("decltag1", new BtfDeclTag { Name = "nonnull", Type = func, ComponentIndex = 0 });
        Add("typetag", new BtfTypeTag { Name = "user", Type = cst });
        _ = e64;
        return (b.Build(), ids);
    }

    [Fact]
    public void Every_kind_reads_back_with_its_fields()
    {
        var (btf, ids) = BuildAllKinds();
        Assert.Equal(ids.Count + 1, btf.Count);
        Assert.Equal(Enum.GetValues<BtfKind>().Where(k => k != BtfKind.Void).ToHashSet(), btf.Types.Skip(1).Select(t => t.Kind).ToHashSet());

        var i = Assert.IsType<BtfInt>(btf[ids["int"]]);
        Assert.Equal(("int", 4u, 32, true), (i.Name, i.Size, (int)i.Bits, i.IsSigned));
        var a = Assert.IsType<BtfArray>(btf[ids["arr"]]);
        Assert.Equal((ids["u8"], ids["int"], 16u), (a.ElementType, a.IndexType, a.Count));
        var s = Assert.IsType<BtfStruct>(btf[ids["struct"]]);
        Assert.True(s.HasBitfieldSizes);
        Assert.Equal(new BtfMember("mode", ids["int"], 3, 5), s.Members[1] with { NameOffset = 0 });
        Assert.Equal("", s.Members[2].Name);
        var en = Assert.IsType<BtfEnum>(btf[ids["enum"]]);
        Assert.True(en.Signed);
        Assert.Equal(-1, en.Values[0].Value);
        var e64 = Assert.IsType<BtfEnum64>(btf[ids["enum64"]]);
        Assert.Equal(0xFFFF_FFFF_FFFF_FFF0UL, (ulong)e64.Values[0].Value);
        var p = Assert.IsType<BtfFuncProto>(btf[ids["proto"]]);
        Assert.True(p.IsVariadic);
        Assert.Equal(BtfLinkage.Global, Assert.IsType<BtfFunc>(btf[ids["func"]]).Linkage);
        Assert.Equal(new BtfDatasecVar(ids["var"], 0, 40), Assert.IsType<BtfDatasec>(btf[ids["datasec"]]).Variables[0]);
        Assert.Equal(0, Assert.IsType<BtfDeclTag>(btf[ids["decltag1"]]).ComponentIndex);
        Assert.Equal("user", Assert.IsType<BtfTypeTag>(btf[ids["typetag"]]).Value);
        Assert.True(Assert.IsType<BtfForward>(btf[ids["fwd"]]) is { IsUnion: false, Name: "later" });

        // Deduplicated strings, and a second write gives the same bytes.
        Assert.Equal(btf.ToBytes(), BtfSpec.Parse(btf.ToBytes()).ToBytes());
        Assert.Equal(40, btf.SizeOf(ids["typedef"]));
        Assert.Equal(16, btf.SizeOf(ids["arr"]));
        Assert.Equal(8, btf.SizeOf(ids["fnptr"]));
        Assert.Equal(ids["struct"], btf.ResolveType(ids["typedef"]));
        Assert.Same(btf[ids["u8"]], btf.Skip(ids["typetag"]));
    }

    [Fact]
    public void Prints_built_types_as_c()
    {
        var (btf, ids) = BuildAllKinds();
        string c = BtfPrinter.ToC(btf, ids["struct"]);
        Assert.Equal(
            "struct sample {\n\tint flags: 3;\n\tint mode: 5;\n\tunion {\n\t\tint a;\n\t\tunsigned char b;\n\t};\n" +
            "\tunsigned char name[16];\n\tint (*cb)(unsigned char *ctx, ...);\n\tstruct later *next;\n\tenum color c;\n};", c);
        Assert.Equal("enum color {\n\tRED = -1,\n\tGREEN = 7,\n};", BtfPrinter.ToC(btf, ids["enum"]));
        Assert.Equal("enum big {\n\tHUGE = 18446744073709551600ULL,\n};", BtfPrinter.ToC(btf, ids["enum64"]));
        Assert.Equal("typedef struct sample sample_t;", BtfPrinter.ToC(btf, ids["typedef"]));
        Assert.Equal("int handler(unsigned char *ctx, ...);", BtfPrinter.ToC(btf, ids["func"]));
        Assert.Equal("sample_t counter;", BtfPrinter.ToC(btf, ids["var"]));
        Assert.Equal("unsigned char *restrict", BtfPrinter.ToC(btf, ids["restrict"]));
        Assert.Equal("const unsigned char", BtfPrinter.ToC(btf, ids["const"]));
        Assert.Equal("struct later;", BtfPrinter.ToC(btf, ids["fwd"]));
        Assert.Equal($"[{ids["struct"]}] STRUCT 'sample' size=40 vlen=7", BtfPrinter.Describe(btf, ids["struct"]).Split('\n')[0]);
        Assert.Contains("\t'mode' type_id=1 bits_offset=3 bitfield_size=5", BtfPrinter.Describe(btf, ids["struct"]));
        Assert.Equal($"[{ids["func"]}] FUNC 'handler' type_id={ids["proto"]} linkage=global", BtfPrinter.Describe(btf, ids["func"]));
    }

    [Fact]
    public void Finds_types_by_name_and_kind()
    {
        var (btf, ids) = BuildAllKinds();
        Assert.Equal(ids["struct"], btf.FindByName("sample", BtfKind.Struct)!.Id);
        Assert.Null(btf.FindByName("sample", BtfKind.Union));
        Assert.Equal(ids["fwd"], btf.FindByName("later")!.Id);
        Assert.Single(btf.FindAll("int"));
        Assert.Equal(BtfKind.Datasec, btf.KindOf(ids["datasec"]));
    }

    [Fact]
    public void Builder_rejects_what_cannot_be_encoded()
    {
        var b = new BtfBuilder();
        b.Add(new BtfStruct { Name = "s", Size = 4, Members = [new BtfMember("x", 0, 0, 3)] }); // bitfield without kind_flag
        Assert.Contains("HasBitfieldSizes", Assert.Throws<BtfException>(() => b.ToBytes()).Message);
        b = new BtfBuilder();
        b.Add(new BtfEnum { Name = "e", Size = 4, Values = [new BtfEnumValue("X", 1L << 40)] });
        Assert.Contains("ENUM64", Assert.Throws<BtfException>(() => b.ToBytes()).Message);
        Assert.Throws<BtfException>(() => new BtfBuilder().AddString("a\0b"));
        Assert.Equal(0, new BtfBuilder().AddString(""));
    }

    [Fact]
    public void Disposed_btf_keeps_materialized_types()
    {
        var (btf, ids) = BuildAllKinds();
        var s = btf[ids["struct"]];
        btf.Dispose();
        Assert.Same(s, btf[ids["struct"]]);
        Assert.Throws<ObjectDisposedException>(() => btf.GetString(1));
    }
}
