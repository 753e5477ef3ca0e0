using System.Buffers.Binary;
using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Object.Tests.Objects;

/// <summary>Broken objects must give the library's own exception: no crash, no hang, no other exception type.</summary>
public class MalformedObjectTests
{
    /// <summary>Reads the object and touches everything a user would, so lazy paths are covered too.</summary>
    private static void ReadEverything(byte[] bytes)
    {
        var obj = BpfObjectFile.Read(bytes.AsMemory(), "mutant");
        foreach (var p in obj.Programs.Concat(obj.Subprograms))
        {
            _ = p.ReachableFunctions();
            foreach (var r in p.Relocations) _ = r.ToString();
            foreach (var l in p.LineInfos) _ = l.LineText;
            if (!p.IsSubprogram && p.Definition is null) Assert.NotNull(p.SectionError);
        }
        foreach (var m in obj.Maps) _ = m.ToString();
        if (obj.Btf is { } btf)
            for (var id = 1; id < btf.Count; id++)
            {
                _ = BtfPrinter.ToC(btf, id);
                _ = btf.SizeOf(id);
            }
    }

    private static void AssertOnlyOurs(byte[] bytes, string what)
    {
        try
        {
            ReadEverything(bytes);
        }
        catch (BpfException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} escaped: {e.Message}\n{e.StackTrace}");
        }
    }

    public static TheoryData<string> FixtureNames() => Fixtures.AllNames();

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Truncated_at_every_section_boundary(string fixture)
    {
        var bytes = File.ReadAllBytes(Fixtures.Path(fixture));
        var obj = BpfObjectFile.Read(bytes.AsMemory(), fixture);
        var cuts = new SortedSet<int> { 0, 1, 16, 63, 64, bytes.Length - 1 };
        foreach (var s in obj.Elf.Sections)
        {
            cuts.Add((int)s.Offset);
            cuts.Add((int)Math.Min((ulong)bytes.Length, s.Offset + s.Size));
            if (s.Offset > 0) cuts.Add((int)s.Offset - 1);
        }
        foreach (var cut in cuts.Where(c => c >= 0 && c < bytes.Length))
            AssertOnlyOurs(bytes[..cut], $"{fixture} truncated at {cut}");
    }

    [Fact]
    public void Wrong_magic_class_encoding_machine_and_type_are_named()
    {
        var good = File.ReadAllBytes(Fixtures.Path("minimal"));
        Expect(Patch(good, 0, 0x7e), "not an ELF file");
        Expect(Patch(good, 4, 1), "ELFCLASS64");
        Expect(Patch(good, 5, 2), "big-endian");
        Expect(Patch16(good, 18, 62), "EM_BPF");
        Expect(Patch16(good, 16, 2), "ET_REL");
        Expect(good[..10], "too short");
    }

    [Fact]
    public void Offsets_past_the_end_and_strings_without_nul_are_named()
    {
        var good = File.ReadAllBytes(Fixtures.Path("minimal"));
        var obj = BpfObjectFile.Read(good.AsMemory());
        var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(good.AsSpan(40));
        Expect(Patch64(good, 40, (ulong)good.Length + 8), "past the end");
        // A section whose data lies past the end of the file.
        var text = obj.Elf.FindSection("socket")!;
        Expect(Patch64(good, shoff + text.Index * 64 + 24, (ulong)good.Length - 4), "past the end of the file");
        // The section-name table without its final NUL.
        var shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(good.AsSpan(62));
        var names = obj.Elf.Section(shstrndx);
        var noNul = (byte[])good.Clone();
        noNul.AsSpan((int)names.Offset, (int)names.Size).Fill((byte)'a');
        Expect(noNul, "NUL");
        // Section-header count larger than the file can hold.
        Expect(Patch16(good, 60, 0x7fff), "do not fit");
    }

    [Fact]
    public void One_hundred_thousand_random_mutations_give_only_bpf_exceptions()
    {
        var fixtures = Fixtures.All().Select(File.ReadAllBytes).ToArray();
        const int total = 100_000;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var accepted = 0;
        Parallel.For(0, Environment.ProcessorCount, worker =>
        {
            var random = new Random(1234 + worker);
            for (var i = worker; i < total; i += Environment.ProcessorCount)
            {
                var source = fixtures[i % fixtures.Length];
                var bytes = Mutate(source, random);
                try
                {
                    ReadEverything(bytes);
                    Interlocked.Increment(ref accepted);
                }
                catch (BpfException)
                {
                }
                catch (Exception e)
                {
                    failures.Add($"mutation {i} of fixture {i % fixtures.Length}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }
        });
        Assert.True(failures.IsEmpty, string.Join("\n\n", failures.Take(3)));
        // Most single-byte mutations hit bytes that do not matter; the rest must be refused, not all accepted.
        Assert.InRange(accepted, 1, total - 1);
    }

    /// <summary>One to four changes that target what a reader trusts: header fields, offsets, sizes, counts.</summary>
    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = (byte[])source.Clone();
        var changes = random.Next(1, 5);
        for (var c = 0; c < changes; c++)
        {
            var at = random.Next(bytes.Length);
            switch (random.Next(6))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 2: if (at + 4 <= bytes.Length) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)random.Next(int.MinValue, int.MaxValue)); break;
                case 3: if (at + 4 <= bytes.Length) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), uint.MaxValue - (uint)random.Next(16)); break;
                case 4: bytes[at] = 0; break;
                default: return bytes[..random.Next(bytes.Length)];
            }
        }
        return bytes;
    }

    private static void Expect(byte[] bytes, string fragment)
    {
        var e = Assert.ThrowsAny<BpfException>(() => BpfObjectFile.Read(bytes.AsMemory(), "broken.o"));
        Assert.Contains(fragment, e.Message);
        Assert.Contains("broken.o", e.Message);
    }

    private static byte[] Patch(byte[] b, int at, byte value) { var c = (byte[])b.Clone(); c[at] = value; return c; }
    private static byte[] Patch16(byte[] b, int at, ushort value) { var c = (byte[])b.Clone(); BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(at), value); return c; }
    private static byte[] Patch64(byte[] b, int at, ulong value) { var c = (byte[])b.Clone(); BinaryPrimitives.WriteUInt64LittleEndian(c.AsSpan(at), value); return c; }
}
