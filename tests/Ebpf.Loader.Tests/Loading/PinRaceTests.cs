using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Loading;

/// <summary>
/// A map pinned by name whose pin comes and goes while the object loads (another service starting with the same pin
/// directory, an operator's rm): every load succeeds, reusing the pinned map or pinning its own. Run alone: it opens
/// descriptors the descriptor count would see.
/// </summary>
[Collection(nameof(DescriptorCount))]
public class PinRaceTests
{
    [KernelFact]
    public void Loads_succeed_while_the_pin_appears_and_disappears()
    {
        var dir = BpfFs.NewDirectory();
        var pin = Path.Combine(dir, "pinned_lru");
        var elf = File.ReadAllBytes(Fixtures.Path("map_in_map"));
        var spec = Object.BpfObjectFile.Read(elf).Maps.Single(m => m.Name == "pinned_lru");
        using var stop = new CancellationTokenSource();
        var flips = 0;
        // Another owner pins a map of the same definition and removes the pin, over and over.
        using var other = BpfMap.Create(spec.Type, (int)spec.KeySize, (int)spec.ValueSize, spec.MaxEntries, (BpfMapFlags)spec.Flags);
        var otherId = other.Info.Id;
        var flapper = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { other.Pin(pin); } catch (BpfException) { } // a loader's pin is there: remove that one
                File.Delete(pin);
                Interlocked.Increment(ref flips);
            }
        });
        try
        {
            int reused = 0, own = 0;
            // At least 300 loads, and on until both outcomes were seen and the pin changed 300 times: how the flapper's
            // turns fall between the loads is the scheduler's (quiet runs had every load pin its own, or 256 flips in 300
            // loads). Bounded at 5,000 loads.
            for (var round = 0; round < 5000 && (round < 300 || reused == 0 || own == 0 || Volatile.Read(ref flips) <= 300); round++)
            {
                using var bpf = BpfObject.Load(elf, new BpfLoadOptions { PinDirectory = dir });
                if (bpf.Maps["pinned_lru"].Info.Id == otherId) reused++;
                else own++;
            }
            // Both outcomes happened, and the pin changed all along: the loads ran inside the race, not beside it.
            Assert.True(reused > 0 && own > 0, $"{reused} loads reused the pinned map, {own} pinned their own");
            Assert.True(Volatile.Read(ref flips) > 300, $"the pin changed only {flips} times");
        }
        finally
        {
            stop.Cancel();
            flapper.Wait();
            Directory.Delete(dir, recursive: true);
        }
    }
}
