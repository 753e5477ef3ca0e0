using Ebpf.Tests;
using Xunit.Abstractions;

namespace Ebpf.Programs.Tests.Iterators;

/// <summary>
/// A bpf_map_elem iterator (clang, tests/fixtures/iter_map_elem.c) attached to a map: one line per element. This VM's kernel
/// refuses to load it with EPERM before verifying a single instruction (as it refuses fentry; libbpf's bpftool gets the same,
/// while iter/task loads): there the tests assert the explained refusal and say so in their output.
/// </summary>
[Collection(AttachKindsCollection.Name)]
public class MapElementIteratorTests(ITestOutputHelper output)
{
    [KernelFact]
    public void A_map_element_iterator_lists_every_element_of_its_map_and_sees_later_updates_or_the_refusal_is_explained()
    {
        using var bpf = LoadOrExplainRefusal();
        if (bpf is null) return;
        var elems = bpf.Maps["elems"];
        var map = elems.AsHashMap<uint, ulong>();
        for (uint key = 1; key <= 5; key++)
            map[key] = key * 1000UL;
        using var link = bpf.Programs["dump_elems"].AsIterator().Attach(elems);
        Assert.Equal(["1 1000", "2 2000", "3 3000", "4 4000", "5 5000"], Lines(link));

        map.Remove(3);
        map[9] = 42;
        Assert.Equal(["1 1000", "2 2000", "4 4000", "5 5000", "9 42"], Lines(link)); // each read is a new run over the map now
    }

    [KernelFact]
    public void A_map_element_iterator_refuses_a_map_smaller_than_it_reads_and_names_both_or_the_refusal_is_explained()
    {
        using var bpf = LoadOrExplainRefusal();
        if (bpf is null) return;
        using var small = BpfMap.Create(BpfMapType.Hash, keySize: 4, valueSize: 4, maxEntries: 4, name: "small_values");
        var e = Assert.Throws<BpfException>(() => bpf.Programs["dump_elems"].AsIterator().Attach(small));
        Assert.Contains("dump_elems", e.Message);
        Assert.Contains("small_values", e.Message);
    }

    private BpfObject? LoadOrExplainRefusal()
    {
        try
        {
            return BpfObject.Load(Fixtures.Path("iter_map_elem"));
        }
        catch (BpfLoadException e) when (e.InnerException is Native.BpfSyscallException { ErrnoName: "EPERM" })
        {
            output.WriteLine($"this kernel refuses iter/bpf_map_elem programs: {e.Message}");
            Assert.Contains("program 'dump_elems' (section \"iter/bpf_map_elem\")", e.Message);
            Assert.Contains("not a privilege problem", e.Message);
            Assert.Contains("lockdown", e.Message);
            return null;
        }
    }

    private static string[] Lines(IteratorLink link) => link.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
}
