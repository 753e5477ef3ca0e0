using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Tests.Btf;

/// <summary>Writing what was read gives the producer's bytes back, byte for byte.</summary>
public class BtfRoundTripTests
{
    public static TheoryData<string> Names() => BtfTestData.Names();

    /// <summary>Objects with programs: one with maps only (arena_map) has no .BTF.ext.</summary>
    public static TheoryData<string> NamesWithExt()
    {
        var data = new TheoryData<string>();
        foreach (var s in BtfTestData.All)
            if (s.BtfExt is not null)
                data.Add(s.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Btf_round_trips(string name)
    {
        var s = BtfTestData.Get(name);
        var btf = BtfSpec.Parse(s.Btf);
        Assert.True(btf.Count > 1);
        Assert.Equal(s.Btf, btf.ToBytes());
    }

    [Theory]
    [MemberData(nameof(NamesWithExt))]
    public void Btf_ext_round_trips(string name)
    {
        var s = BtfTestData.Get(name);
        Assert.NotNull(s.BtfExt);
        var btf = BtfSpec.Parse(s.Btf);
        var ext = BtfExt.Parse(s.BtfExt, btf);
        Assert.NotEmpty(ext.FuncInfos);
        Assert.Equal(s.BtfExt, ext.ToBytes());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Rebuilding_every_type_with_the_builder_gives_an_equivalent_btf(string name)
    {
        var btf = BtfSpec.Parse(BtfTestData.Get(name).Btf);
        var b = new BtfBuilder();
        foreach (var t in btf.Types.Skip(1)) b.Add(t);
        var rebuilt = b.Build();
        Assert.Equal(btf.Count, rebuilt.Count);
        for (int id = 0; id < btf.Count; id++)
            Assert.Equal(BtfPrinter.Describe(btf, id), BtfPrinter.Describe(rebuilt, id));
    }

    [Fact]
    public void Vmlinux_round_trips_whole()
    {
        if (!BtfTestData.HasVmlinux) return;
        var bytes = BtfTestData.Vmlinux;
        var btf = BtfSpec.Parse(bytes);
        var written = btf.ToBytes();
        Assert.Equal(bytes.Length, written.Length);
        Assert.True(bytes.AsSpan().SequenceEqual(written));
    }

    [Fact]
    public void Layout_extras_are_preserved()
    {
        // A longer header (zero tail), a gap between types and strings, and trailing bytes.
        var b = new BtfBuilder();
        b.Add(new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
        var plain = b.ToBytes();
        int typeLen = BitConverter.ToInt32(plain, 12), strLen = BitConverter.ToInt32(plain, 20);
        var w = new List<byte>();
        w.AddRange(plain.AsSpan(0, 4).ToArray());
        w.AddRange(BitConverter.GetBytes(28));               // hdr_len
        w.AddRange(BitConverter.GetBytes(4));                // type_off
        w.AddRange(BitConverter.GetBytes(typeLen));
        w.AddRange(BitConverter.GetBytes(4 + typeLen + 3));  // str_off
        w.AddRange(BitConverter.GetBytes(strLen));
        w.AddRange(new byte[4]);                             // header tail
        w.AddRange(new byte[] { 1, 2, 3, 4 });               // before types
        w.AddRange(plain.AsSpan(24, typeLen).ToArray());
        w.AddRange(new byte[] { 9, 9, 9 });                  // between sections
        w.AddRange(plain.AsSpan(24 + typeLen, strLen).ToArray());
        w.AddRange(new byte[] { 7 });                        // trailing
        var bytes = w.ToArray();
        var btf = BtfSpec.Parse(bytes);
        Assert.Equal("int", btf[1].Name);
        Assert.Equal(bytes, btf.ToBytes());
    }
}
