using System.Buffers.Binary;
using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Tests.Btf;

/// <summary>Broken input only ever raises BtfException, with a message naming what is wrong.</summary>
public class BtfMalformedTests
{
    private static byte[] Minimal => BtfTestData.Get("minimal").Btf;

    [Fact]
    public void Truncation_at_every_offset_is_rejected()
    {
        var bytes = Minimal;
        for (int n = 0; n < bytes.Length; n++)
            Assert.Throws<BtfException>(() => BtfSpec.Parse(bytes.AsSpan(0, n)));
    }

    [Fact]
    public void Bad_header_fields_are_named()
    {
        var b = (byte[])Minimal.Clone();
        b[0] = 0x12;
        Assert.Contains("magic", Assert.Throws<BtfException>(() => BtfSpec.Parse(b)).Message);
        b = (byte[])Minimal.Clone();
        b[2] = 2;
        Assert.Contains("version", Assert.Throws<BtfException>(() => BtfSpec.Parse(b)).Message);
        b = (byte[])Minimal.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 0xFFFFFFF0); // hdr_len
        Assert.Contains("header length", Assert.Throws<BtfException>(() => BtfSpec.Parse(b)).Message);
        b = (byte[])Minimal.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), 0xFFFFFFFF); // str_len
        Assert.Contains("string section", Assert.Throws<BtfException>(() => BtfSpec.Parse(b)).Message);
        b = (byte[])Minimal.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 0xFFFFFFF0); // type_len
        Assert.Throws<BtfException>(() => BtfSpec.Parse(b));
    }

    [Fact]
    public void String_table_without_final_nul_is_rejected()
    {
        var b = (byte[])Minimal.Clone();
        b[^1] = (byte)'x';
        Assert.Contains("NUL", Assert.Throws<BtfException>(() => BtfSpec.Parse(b)).Message);
    }

    [Fact]
    public void Name_offset_out_of_range_names_the_type()
    {
        var b = (byte[])Minimal.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), 0x7FFFFFFF); // type [1] name_off
        var e = Assert.Throws<BtfException>(() => BtfSpec.Parse(b));
        Assert.Contains("[1]", e.Message);
        Assert.Contains("2147483647", e.Message);
    }

    [Fact]
    public void Unknown_kind_and_reserved_bits_are_rejected()
    {
        var b = (byte[])Minimal.Clone();
        b[24 + 7] = 25; // kind 25 in type [1]
        Assert.Contains("unknown kind 25", Assert.Throws<BtfException>(() => BtfSpec.Parse(b)).Message);
        b = (byte[])Minimal.Clone();
        b[24 + 6] = 1; // bits 16-23 of info
        Assert.Contains("reserved", Assert.Throws<BtfException>(() => BtfSpec.Parse(b)).Message);
    }

    [Fact]
    public void Vlen_past_the_end_is_rejected()
    {
        var b = new BtfBuilder();
        b.Add(new BtfStruct { Name = "s", Size = 4, Members = [new BtfMember("a", 0, 0)] });
        var bytes = b.ToBytes();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(24 + 4), 0xFFFF);
        var e = Assert.Throws<BtfException>(() => BtfSpec.Parse(bytes));
        Assert.Contains("[1]", e.Message);
        Assert.Contains("vlen 65535", e.Message);
    }

    [Fact]
    public void Type_ids_out_of_range_are_named()
    {
        var b = new BtfBuilder();
        b.Add(new BtfPointer { Type = 99 });
        var e = Assert.Throws<BtfException>(() => b.Build());
        Assert.Contains("[1]", e.Message);
        Assert.Contains("99", e.Message);

        var btf = BtfSpec.Parse(Minimal);
        Assert.Contains($"{btf.Count}", Assert.Throws<BtfException>(() => btf[btf.Count]).Message);
        Assert.Contains("-1", Assert.Throws<BtfException>(() => btf[-1]).Message);
        Assert.Throws<BtfException>(() => btf.GetString(-1));
        Assert.Throws<BtfException>(() => btf.GetString(btf.StringTableLength));
        Assert.Equal("", btf.GetString(0));
    }

    [Fact]
    public void Typedef_loops_are_found_lazily()
    {
        var b = new BtfBuilder();
        b.Add(new BtfTypedef { Name = "A", Type = 2 });
        b.Add(new BtfTypedef { Name = "B", Type = 1 });
        b.Add(new BtfConst { Type = 3 });                 // const of itself
        b.Add(new BtfArray { ElementType = 4, IndexType = 0, Count = 2 }); // array of itself
        b.Add(new BtfStruct { Name = "", Size = 8, Members = [new BtfMember("self", 5, 0)] }); // anonymous struct containing itself
        b.Add(new BtfTypedef { Name = "S", Type = 5 });
        var btf = b.Build(); // parse does not walk the graph
        Assert.Contains("[1]", Assert.Throws<BtfException>(() => btf.Skip(1)).Message);
        Assert.Throws<BtfException>(() => btf.SizeOf(2));
        Assert.Throws<BtfException>(() => btf.SizeOf(3));
        Assert.Throws<BtfException>(() => btf.SizeOf(4));
        Assert.Equal(8, btf.SizeOf(6));
        Assert.Throws<BtfException>(() => btf.AlignOf(5));
        Assert.Throws<BtfException>(() => BtfPrinter.ToC(btf, 3));
        Assert.Throws<BtfException>(() => BtfPrinter.ToC(btf, 4));
        Assert.Throws<BtfException>(() => BtfPrinter.ToC(btf, 6));
        Assert.Equal("typedef B A;", BtfPrinter.ToC(btf, 1));
    }

    [Fact]
    public void Random_mutations_of_fixture_btf_only_raise_btf_exceptions()
    {
        var rng = new Random(20240611);
        var inputs = BtfTestData.All.Select(s => s.Btf).ToArray();
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var src = inputs[i % inputs.Length];
            var b = Mutate(src, rng);
            if (Exercise(b)) parsed++;
        }
        Assert.True(parsed > 1000, $"only {parsed} mutants parsed; the mutations are too destructive to test the later stages");
    }

    /// <summary>Parses and uses every API on one input; true when it parsed.</summary>
    private static bool Exercise(byte[] b)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        BtfSpec btf;
        try { btf = BtfSpec.Parse(b); }
        catch (BtfException) { return false; }
        // Whatever parses writes back exactly.
        Assert.Equal(b, btf.ToBytes());
        for (int id = 0; id < btf.Count; id++)
        {
            Catch(() => BtfPrinter.ToC(btf, id));
            Catch(() => BtfPrinter.Describe(btf, id));
            Catch(() => btf.SizeOf(id));
            Catch(() => btf.Skip(id));
            Catch(() => btf.AlignOf(id));
        }
        Catch(() => btf.FindByName("int"));
        Assert.True(watch.ElapsedMilliseconds < 2000, $"one mutant took {watch.ElapsedMilliseconds} ms");
        return true;
    }

    private static void Catch(Func<object?> f)
    {
        try { f(); }
        catch (BtfException) { }
    }

    private static byte[] Mutate(byte[] src, Random rng)
    {
        var b = (byte[])src.Clone();
        int mode = rng.Next(10);
        if (mode == 0) return b[..rng.Next(b.Length)];
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits; e++)
        {
            // Mostly aligned words in the type section, with values that look like ids, sizes, offsets or kinds.
            int at = 24 + rng.Next(Math.Max(1, b.Length - 28)) / 4 * 4;
            if (at + 4 > b.Length) continue;
            uint v = rng.Next(6) switch
            {
                0 => (uint)rng.Next(64),
                1 => (uint)rng.Next(25) << 24 | (uint)rng.Next(4),
                2 => 0xFFFFFFFF,
                3 => (uint)rng.Next(256) << (8 * rng.Next(4)),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) ^ (1u << rng.Next(32)),
                _ => (uint)rng.Next(),
            };
            if (mode == 1) { b[rng.Next(b.Length)] = (byte)rng.Next(256); continue; }
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
        }
        return b;
    }

    [Fact]
    public void Random_mutations_of_btf_ext_only_raise_btf_exceptions()
    {
        var rng = new Random(7);
        var sets = BtfTestData.All.Where(s => s.BtfExt != null).Select(s => (Btf: BtfSpec.Parse(s.Btf), Ext: s.BtfExt!)).ToArray();
        int parsed = 0;
        for (int i = 0; i < 5_000; i++)
        {
            var (btf, src) = sets[i % sets.Length];
            var b = (byte[])src.Clone();
            if (rng.Next(8) == 0) b = b[..rng.Next(b.Length)];
            else
                for (int e = 0, n = 1 + rng.Next(3); e < n; e++)
                {
                    int at = rng.Next(b.Length / 4) * 4;
                    uint v = rng.Next(3) switch { 0 => (uint)rng.Next(64), 1 => 0xFFFFFFFF, _ => (uint)rng.Next() };
                    BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
                }
            BtfExt ext;
            try { ext = BtfExt.Parse(b, btf); }
            catch (BtfException) { continue; }
            parsed++;
            Assert.Equal(b, ext.ToBytes());
        }
        Assert.True(parsed > 500, $"only {parsed} mutants parsed");
    }

    [Fact]
    public void Btf_ext_truncation_at_every_offset_is_rejected_or_round_trips()
    {
        var s = BtfTestData.Get("cgroup_skb");
        var btf = BtfSpec.Parse(s.Btf);
        for (int n = 0; n < s.BtfExt!.Length; n++)
        {
            try
            {
                var ext = BtfExt.Parse(s.BtfExt.AsSpan(0, n), btf);
                Assert.Equal(s.BtfExt[..n], ext.ToBytes());
            }
            catch (BtfException) { }
        }
    }
}
