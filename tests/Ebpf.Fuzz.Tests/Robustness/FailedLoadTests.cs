using Ebpf.Fuzz.Tests.Fuzzing;
using Ebpf.Object;
using Xunit.Abstractions;

namespace Ebpf.Fuzz.Tests.Robustness;

/// <summary>
/// BpfObject.Load of mutants of objects that load on this kernel: each load fails with a BpfException or succeeds,
/// and whatever it created (BTF, maps, programs, global-data mappings) is gone afterwards.
/// </summary>
[Collection(KernelResources.Name)]
public class FailedLoadTests(ITestOutputHelper output)
{
    private const int FailingLoads = 1000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    [KernelFact]
    public void A_thousand_failed_loads_leave_no_descriptor_and_no_mapping()
    {
        // Warm-up: each fixture loads once here (kernel BTF, features, JIT); those this kernel refuses are not used.
        var seeds = Seeds.Get().Where(s => s.Kind == TargetKind.Elf && !s.Name.StartsWith("C#:", StringComparison.Ordinal) && LoadsHere(s.Bytes)).ToList();
        Assert.True(seeds.Count >= 10, $"only {seeds.Count} fixtures load on this kernel");
        // A mutant may turn a map's pinning on: its pins go to a directory of this test, removed at the end.
        var pins = Directory.CreateDirectory(Path.Combine("/sys/fs/bpf", $"ebpf-fuzz-{Environment.ProcessId}")).FullName;
        var before = KernelResources.Snapshot.Take();

        int failed = 0, loaded = 0, unreadable = 0;
        var stray = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (long i = 0; failed < FailingLoads && clock.Elapsed < Budget; i++)
        {
            var rng = new Random(unchecked((int)(7_000_003L * 13 + i)));
            var seed = seeds[rng.Next(seeds.Count)];
            var mutant = Mutator.Mutate(seed.Bytes, LoadFocus(seed.Map), rng, out var how);
            BpfObjectFile spec;
            try { spec = BpfObjectFile.Read(mutant.AsMemory(), $"mutant {i} of {seed.Name}"); }
            catch (BpfException) { unreadable++; continue; }
            try
            {
                using var bpf = BpfObject.Load(spec, new BpfLoadOptions { PinDirectory = pins });
                loaded++;
                foreach (var data in spec.DataSections)
                    if (bpf.Maps.Contains(data.Name)) _ = bpf.GlobalData(data.Name).ReadOnlyBytes.Length; // mapped, unmapped by Dispose
            }
            catch (BpfException) { failed++; }
            catch (Exception e)
            {
                failed++;
                if (stray.Count < 10) stray.Add($"mutant {i} of {seed.Name} ({how}): {e}");
            }
        }
        var after = KernelResources.Snapshot.Take();
        Directory.Delete(pins, recursive: true);
        output.WriteLine($"{failed} failed loads, {loaded} loads, {unreadable} mutants the reader refused, in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(stray.Count == 0, string.Join(Environment.NewLine, stray));
        Assert.True(failed >= FailingLoads, $"only {failed} failed loads in {Budget.TotalSeconds} s");
        Assert.Equal("", before.Difference(after));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<FieldMap, FieldMap> Focused = [];

    /// <summary>
    /// The parts whose damage the reader cannot see and the kernel refuses: instructions (random changes land in code
    /// sections) and BTF types (map definitions' sizes, types and counts, function prototypes).
    /// </summary>
    private static FieldMap LoadFocus(FieldMap map) => Focused.GetValue(map, m =>
    {
        var focus = new FieldMap { TypeCount = m.TypeCount, OnlyInRegions = true };
        focus.Fields.AddRange(m.Fields.Where(f => f.Owner > 0));
        focus.Regions.AddRange(m.Regions.Where(r => r.Name == ".text" || (!r.Name.StartsWith('.') && r.Name is not ("license" or "maps" or "version"))));
        return focus;
    });

    private static bool LoadsHere(byte[] elf)
    {
        try
        {
            using var bpf = BpfObject.Load(elf);
            return true;
        }
        catch (BpfException) { return false; }
    }
}
