using System.Text.Json.Nodes;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Tests;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>BtfValueFormatter without a kernel: fixture BTF from clang, hand-built BTF for the kinds clang did not emit, and bad input.</summary>
public class BtfValueFormatterTests
{
    private static BtfSpec FixtureBtf(string name) => BpfObjectFile.Read(Fixtures.Path(name)).Btf!;

    private static byte[] Bytes(params object[] parts)
    {
        var list = new List<byte>();
        foreach (var p in parts)
            list.AddRange(p switch
            {
                byte b => [b],
                ushort s => BitConverter.GetBytes(s),
                short s => BitConverter.GetBytes(s),
                uint u => BitConverter.GetBytes(u),
                int i => BitConverter.GetBytes(i),
                ulong l => BitConverter.GetBytes(l),
                long l => BitConverter.GetBytes(l),
                string s => System.Text.Encoding.ASCII.GetBytes(s),
                byte[] a => a,
                _ => throw new ArgumentException(p.GetType().Name),
            });
        return [.. list];
    }

    [Fact]
    public void Struct_of_clang_fixture_prints_fields()
    {
        var btf = FixtureBtf("cgroup_skb");
        int counters = btf.FindByName("counters", BtfKind.Struct)!.Id;
        var value = Bytes(5UL, 300UL);
        Assert.Equal("{ packets = 5, bytes = 300 }", BtfValueFormatter.Format(btf, counters, value));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"packets":5,"bytes":300}"""), BtfValueFormatter.ToJson(btf, counters, value)));
    }

    [Fact]
    public void Clang_global_data_types_print_nested_structs_strings_and_signed_ints()
    {
        // clang leaves DATASEC sizes and offsets 0 (libbpf fills them in at load), so use the variables' types here;
        // the kernel test dumps the real section.
        var btf = FixtureBtf("global_data");
        int config = btf.FindByName("config", BtfKind.Struct)!.Id;
        var bytes = Bytes(443u, (byte)6, (byte)0, (byte)0, (byte)0, 1UL << 20);
        Assert.Equal("{ port = 443, proto = 6, pad = [0, 0, 0], limit = 1048576 }", BtfValueFormatter.Format(btf, config, bytes));
        Assert.Equal("443", BtfValueFormatter.ToJson(btf, config, bytes)!["port"]!.ToJsonString());

        int roName = btf.FindByName("ro_name", BtfKind.Var)!.Id; // const volatile char[16]: still a string
        Assert.Equal("\"fixture\"", BtfValueFormatter.Format(btf, roName, Bytes("fixture", new byte[9])));
        int small = btf.FindByName("data_small", BtfKind.Var)!.Id;
        Assert.Equal("-3", BtfValueFormatter.Format(btf, small, Bytes((short)-3)));
    }

    [Fact]
    public void Data_section_prints_each_variable_by_name()
    {
        var (btf, ids) = Handmade();
        var bytes = Bytes(7, "hi", new byte[3], new byte[3]); // counter at 0, name at 4 (5 bytes), padding to 12
        Assert.Equal("{ counter = 7, label = \"hi\" }", BtfValueFormatter.Format(btf, ids["datasec"], bytes));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"counter":7,"label":"hi"}"""), BtfValueFormatter.ToJson(btf, ids["datasec"], bytes)));
    }

    [Fact]
    public void Char_array_without_nul_or_with_unprintable_bytes_is_a_list_of_numbers()
    {
        var (btf, ids) = Handmade();
        Assert.Equal("\"ab\\\"c\"", BtfValueFormatter.Format(btf, ids["name"], Bytes("ab\"c", (byte)0)));
        Assert.Equal("[97, 98, 99, 100, 101]", BtfValueFormatter.Format(btf, ids["name"], Bytes("abcde")));
        Assert.Equal("[97, 10, 0, 0, 0]", BtfValueFormatter.Format(btf, ids["name"], Bytes("a\n", new byte[3])));
    }

    [Fact]
    public void Kinds_clang_fixtures_lack_print_like_bpftool()
    {
        var (btf, ids) = Handmade();
        Assert.Equal("true", BtfValueFormatter.Format(btf, ids["bool"], [1]));
        Assert.Equal("GREEN", BtfValueFormatter.Format(btf, ids["enum"], Bytes(7)));
        Assert.Equal("RED", BtfValueFormatter.Format(btf, ids["enum"], Bytes(-1)));
        Assert.Equal("42", BtfValueFormatter.Format(btf, ids["enum"], Bytes(42)));
        Assert.Equal("HUGE", BtfValueFormatter.Format(btf, ids["enum64"], Bytes(0xFFFF_FFFF_FFFF_FFF0UL)));
        Assert.Equal("0xffff8880deadbeef", BtfValueFormatter.Format(btf, ids["ptr"], Bytes(0xffff8880deadbeefUL)));
        Assert.Equal("1.5", BtfValueFormatter.Format(btf, ids["double"], BitConverter.GetBytes(1.5)));
        Assert.Equal("-2.25", BtfValueFormatter.Format(btf, ids["float"], BitConverter.GetBytes(-2.25f)));
        Assert.Equal("\"NaN\"", BtfValueFormatter.ToJson(btf, ids["double"], BitConverter.GetBytes(double.NaN))!.ToJsonString());
        Assert.Equal("0x1000000000000000000000002", BtfValueFormatter.Format(btf, ids["u128"], Bytes(2UL, 0x1_0000_0000UL)));
        Assert.Equal("[[1, 2], [3, 4]]", BtfValueFormatter.Format(btf, ids["matrix"], Bytes(1, 2, 3, 4)));
        // typedef -> const -> volatile -> int: all skipped
        Assert.Equal("-9", BtfValueFormatter.Format(btf, ids["typedef"], Bytes(-9)));
    }

    [Fact]
    public void Bitfields_unions_and_anonymous_members()
    {
        var (btf, ids) = Handmade();
        // flags:3 = 3, mode:5 = -3 (signed), anonymous union { a, b } = 0x01020304, then a u8 with bitfield state:2 = 2 at bit 64.
        uint packed = 3u | ((uint)(-3 & 0x1f) << 3);
        var bytes = Bytes(packed, 0x01020304, (byte)(2 | 0xfc), new byte[7]);
        Assert.Equal("{ flags = 3, mode = -3, { a = 16909060, b = 4 }, state = 2 }", BtfValueFormatter.Format(btf, ids["bits"], bytes));
        var json = BtfValueFormatter.ToJson(btf, ids["bits"], bytes)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"flags":3,"mode":-3,"a":16909060,"b":4,"state":2}"""), json), json.ToJsonString());
    }

    [Fact]
    public void Short_buffer_throws_BtfException_naming_the_sizes()
    {
        var btf = FixtureBtf("cgroup_skb");
        int counters = btf.FindByName("counters", BtfKind.Struct)!.Id;
        var e = Assert.Throws<BtfException>(() => BtfValueFormatter.Format(btf, counters, new byte[15]));
        Assert.Contains("16 bytes", e.Message);
        Assert.Throws<BtfException>(() => BtfValueFormatter.Format(btf, counters, []));
    }

    [Fact]
    public void Malformed_btf_throws_BtfException_never_index_errors()
    {
        var (btf, ids) = Handmade();
        // A typedef loop, a member past the end of its struct, a function, a void, an id out of range.
        Assert.Throws<BtfException>(() => BtfValueFormatter.Format(btf, ids["loop"], new byte[64]));
        Assert.Throws<BtfException>(() => BtfValueFormatter.Format(btf, ids["liar"], new byte[4]));
        Assert.Throws<BtfException>(() => BtfValueFormatter.Format(btf, ids["func"], new byte[8]));
        Assert.Throws<BtfException>(() => BtfValueFormatter.Format(btf, 0, new byte[8]));
        Assert.Throws<BtfException>(() => BtfValueFormatter.Format(btf, 9999, new byte[8]));
        Assert.Throws<BtfException>(() => BtfValueFormatter.Format(btf, ids["oddint"], new byte[8]));
        Assert.Throws<BtfException>(() => BtfValueFormatter.Format(btf, ids["wide_bitfield"], new byte[16]));
    }

    [Fact]
    public void Random_bytes_against_every_fixture_type_never_escape_as_other_exceptions()
    {
        var rng = new Random(1234);
        foreach (var file in Fixtures.All())
        {
            var btf = BpfObjectFile.Read(file).Btf;
            if (btf is null) continue;
            for (int id = 0; id < btf.Count; id++)
                for (int round = 0; round < 3; round++)
                {
                    var bytes = new byte[rng.Next(0, 96)];
                    rng.NextBytes(bytes);
                    try { _ = BtfValueFormatter.Format(btf, id, bytes); _ = BtfValueFormatter.ToJson(btf, id, bytes); }
                    catch (BtfException) { }
                }
        }
    }

    /// <summary>Kinds and shapes clang's fixtures do not have, and broken ones.</summary>
    private static (BtfSpec, Dictionary<string, int>) Handmade()
    {
        var b = new BtfBuilder();
        var ids = new Dictionary<string, int>();
        int Add(string key, BtfType t) => ids[key] = b.Add(t);
        int i32 = Add("int", new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
        int u8 = Add("u8", new BtfInt { Name = "unsigned char", Size = 1, Bits = 8 });
        int ch = Add("char", new BtfInt { Name = "char", Size = 1, Bits = 8, Encoding = BtfIntEncoding.Signed });
        Add("name", new BtfArray { ElementType = ch, IndexType = i32, Count = 5 });
        Add("bool", new BtfInt { Name = "_Bool", Size = 1, Bits = 8, Encoding = BtfIntEncoding.Bool });
        Add("u128", new BtfInt { Name = "__int128 unsigned", Size = 16, Bits = 128 });
        Add("enum", new BtfEnum { Name = "color", Size = 4, Signed = true, Values = [new BtfEnumValue("RED", -1), new BtfEnumValue("GREEN", 7)] });
        Add("enum64", new BtfEnum64 { Name = "big", Size = 8, Values = [new BtfEnumValue("HUGE", unchecked((long)0xFFFF_FFFF_FFFF_FFF0UL))] });
        Add("ptr", new BtfPointer { Type = u8 });
        Add("double", new BtfFloat { Name = "double", Size = 8 });
        Add("float", new BtfFloat { Name = "float", Size = 4 });
        int row = Add("row", new BtfArray { ElementType = i32, IndexType = i32, Count = 2 });
        Add("matrix", new BtfArray { ElementType = row, IndexType = i32, Count = 2 });
        int vol = Add("volatile", new BtfVolatile { Type = i32 });
        int cst = Add("const", new BtfConst { Type = vol });
        Add("typedef", new BtfTypedef { Name = "s32_t", Type = cst });
        int union = Add("union", new BtfUnion { Size = 4, Members = [new BtfMember("a", i32, 0), new BtfMember("b", u8, 0)] });
        Add("bits", new BtfStruct
        {
            Name = "bits", Size = 16, HasBitfieldSizes = true,
            Members = [new BtfMember("flags", i32, 0, 3), new BtfMember("mode", i32, 3, 5), new BtfMember("", union, 32), new BtfMember("state", u8, 64, 2)],
        });
        int counter = Add("var_counter", new BtfVar { Name = "counter", Type = i32, Linkage = BtfLinkage.Global });
        int label = Add("var_label", new BtfVar { Name = "label", Type = ids["name"], Linkage = BtfLinkage.Global });
        Add("datasec", new BtfDatasec { Name = ".data", Size = 12, Variables = [new BtfDatasecVar(counter, 0, 4), new BtfDatasecVar(label, 4, 5)] });
        // A typedef naming itself through a second one.
        int loopA = b.Count;
        Add("loop", new BtfTypedef { Name = "a", Type = loopA + 1 });
        Add("loop2", new BtfTypedef { Name = "b", Type = loopA });
        Add("liar", new BtfStruct { Name = "liar", Size = 4, Members = [new BtfMember("x", i32, 64)] });
        int proto = Add("proto", new BtfFuncProto { ReturnType = i32 });
        Add("func", new BtfFunc { Name = "f", Type = proto });
        Add("oddint", new BtfInt { Name = "odd", Size = 3, Bits = 24 });
        Add("wide_bitfield", new BtfStruct { Name = "w", Size = 16, HasBitfieldSizes = true, Members = [new BtfMember("x", i32, 0, 100)] });
        return (b.Build(), ids);
    }
}
