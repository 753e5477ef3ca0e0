using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Tests.Btf;

public class BtfExtTests
{
    [Fact]
    public void Core_fixture_has_the_relocation_kinds_core_c_uses()
    {
        var s = BtfTestData.Get("core");
        var btf = BtfSpec.Parse(s.Btf);
        var ext = BtfExt.Parse(s.BtfExt, btf);
        var relos = ext.CoreRelocations["tp_btf/sched_switch"];
        var kinds = relos.Select(r => r.Kind).ToHashSet();
        // BPF_CORE_READ, field exists/size/offset, bitfield probe, type exists/size/ids, enum value exists/value.
        BtfCoreRelocationKind[] expected =
        [
            BtfCoreRelocationKind.FieldByteOffset, BtfCoreRelocationKind.FieldByteSize, BtfCoreRelocationKind.FieldExists,
            BtfCoreRelocationKind.FieldSigned, BtfCoreRelocationKind.FieldLShiftU64, BtfCoreRelocationKind.FieldRShiftU64,
            BtfCoreRelocationKind.TypeIdLocal, BtfCoreRelocationKind.TypeIdTarget, BtfCoreRelocationKind.TypeExists,
            BtfCoreRelocationKind.TypeSize, BtfCoreRelocationKind.EnumValueExists, BtfCoreRelocationKind.EnumValue,
        ];
        Assert.Subset(kinds, expected.ToHashSet());
        var task = btf.FindByName("task_struct", BtfKind.Struct)!;
        // BPF_CORE_READ(next, real_parent, tgid): real_parent is member 3, tgid member 1.
        Assert.Contains(relos, r => r.TypeId == task.Id && r.AccessString == "0:3" && r.Kind == BtfCoreRelocationKind.FieldByteOffset);
        Assert.Contains(relos, r => r.TypeId == task.Id && r.AccessString == "0:1" && r.Kind == BtfCoreRelocationKind.FieldByteOffset);
        var pidType = btf.FindByName("pid_type", BtfKind.Enum)!;
        Assert.Contains(relos, r => r.TypeId == pidType.Id && r.AccessString == "1" && r.Kind == BtfCoreRelocationKind.EnumValue);
        Assert.All(relos, r => Assert.Equal(0u, r.InstructionOffset % 8));
        Assert.Equal(16, ext.CoreRelocationRecordSize);
        Assert.Equal("on_switch", btf[ext.FuncInfos["tp_btf/sched_switch"][0].TypeId].Name);
    }

    [Fact]
    public void Line_infos_point_at_cgroup_skb_c()
    {
        var s = BtfTestData.Get("cgroup_skb");
        var btf = BtfSpec.Parse(s.Btf);
        var ext = BtfExt.Parse(s.BtfExt, btf);
        var source = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(s.ObjectPath)!, "..", "cgroup_skb.c"));
        var lines = ext.LineInfos.Values.SelectMany(l => l).ToList();
        Assert.NotEmpty(lines);
        foreach (var l in lines)
        {
            Assert.EndsWith("cgroup_skb.c", l.FileName);
            if (l.Line == 0) continue; // compiler-generated code has no line
            Assert.InRange((int)l.Line, 1, source.Length);
            Assert.Equal(source[l.Line - 1].Trim(), l.LineText.Trim());
        }
        Assert.Contains(lines, l => l.LineText.Contains("bpf_skb_load_bytes(skb, 16, &addr, sizeof(addr))"));
        Assert.Contains("cgroup_skb/ingress", ext.LineInfos.Keys);
        var funcs = ext.FuncInfos["cgroup_skb/egress"].Select(f => btf[f.TypeId].Name).ToList();
        Assert.Equal(["count_egress", "filter_egress"], funcs);
    }

    [Fact]
    public void Larger_record_sizes_keep_their_extra_bytes()
    {
        var s = BtfTestData.Get("core");
        var btf = BtfSpec.Parse(s.Btf);
        var ext = BtfExt.Parse(s.BtfExt, btf);
        // Rewrite func_info with 12-byte records carrying a marker word; it must parse and round-trip.
        var f = ext.FuncInfoSections[0];
        var bigger = new BtfExtSection<BtfFuncInfo>(f.SectionName, [.. f.Records.Select(r => r with { Extra = [1, 2, 3, 4] })]) { SectionNameOffset = f.SectionNameOffset };
        var body = new List<byte>();
        body.AddRange(BitConverter.GetBytes(12));
        body.AddRange(BitConverter.GetBytes(bigger.SectionNameOffset));
        body.AddRange(BitConverter.GetBytes(bigger.Records.Count));
        foreach (var r in bigger.Records) { body.AddRange(BitConverter.GetBytes(r.InstructionOffset)); body.AddRange(BitConverter.GetBytes(r.TypeId)); body.AddRange(r.Extra!); }
        var bytes = new byte[32 + body.Count];
        s.BtfExt!.AsSpan(0, 32).CopyTo(bytes);
        body.CopyTo(bytes, 32);
        BitConverter.GetBytes(0).CopyTo(bytes, 8);
        BitConverter.GetBytes(body.Count).CopyTo(bytes, 12);
        for (int i = 16; i < 32; i++) bytes[i] = 0; // no line info, no CO-RE
        var parsed = BtfExt.Parse(bytes, btf);
        Assert.Equal(12, parsed.FuncInfoRecordSize);
        Assert.Equal([1, 2, 3, 4], parsed.FuncInfoSections[0].Records[0].Extra);
        Assert.Equal(bytes, parsed.ToBytes());
    }

    [Fact]
    public void Builds_ext_from_records()
    {
        var b = new BtfBuilder();
        int i32 = b.Add(new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
        int proto = b.Add(new BtfFuncProto { ReturnType = i32 });
        int func = b.Add(new BtfFunc { Name = "prog", Type = proto, Linkage = BtfLinkage.Global });
        int sec = b.AddString("xdp"), file = b.AddString("prog.cs"), text = b.AddString("return 1;"), access = b.AddString("0");
        var btf = b.Build();
        var ext = new BtfExt(
            [new BtfExtSection<BtfFuncInfo>("xdp", [new BtfFuncInfo(0, func)]) { SectionNameOffset = sec }],
            [new BtfExtSection<BtfLineInfo>("xdp", [new BtfLineInfo(0, "prog.cs", "return 1;", 12, 5) { FileNameOffset = file, LineTextOffset = text }]) { SectionNameOffset = sec }],
            [new BtfExtSection<BtfCoreRelocation>("xdp", [new BtfCoreRelocation(8, i32, "0", BtfCoreRelocationKind.TypeSize) { AccessStringOffset = access }]) { SectionNameOffset = sec }]);
        var back = BtfExt.Parse(ext.ToBytes(), btf);
        Assert.Equal(func, back.FuncInfos["xdp"][0].TypeId);
        var line = back.LineInfos["xdp"][0];
        Assert.Equal(("prog.cs", "return 1;", 12u, 5u), (line.FileName, line.LineText, line.Line, line.Column));
        Assert.Equal(BtfCoreRelocationKind.TypeSize, back.CoreRelocations["xdp"][0].Kind);
        Assert.Equal(ext.ToBytes(), back.ToBytes());
    }
}
