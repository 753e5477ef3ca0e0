using Ebpf.Kernel;

namespace Ebpf.Fuzz.Tests.Robustness;

/// <summary>Four copies of one number: a value read with copies that differ was torn (half of one write, half of another).</summary>
public struct Stamp
{
    public ulong A, B, C, D;

    public static Stamp Of(ulong n) => new() { A = n, B = n, C = n, D = n };

    public readonly bool IsWhole => A == B && B == C && C == D;
}

/// <summary>
/// An XDP program for BPF_PROG_TEST_RUN from many threads: each run counts itself (an atomic add) and writes a whole
/// stamp, the number in the packet's first 8 bytes, under the key in bytes 8-11. The hash map does not preallocate,
/// so the kernel replaces an element only after readers are done with the old one: any torn value seen is ours.
/// </summary>
[License("GPL")]
public static class StampPrograms
{
    public const int Keys = 8;

    [Map] public static readonly ArrayMap<ulong> Runs = new(maxEntries: 1);
    [Map] public static readonly HashMap<uint, Stamp> Stamps = new(maxEntries: 64, MapFlags.NoPrealloc);

    [Xdp]
    public static XdpAction Stamper(XdpContext xdp)
    {
        Runs.Add(0, 1);
        if (xdp.TryLoad(0, out ulong n) && xdp.TryLoad(8, out uint key))
        {
            var stamp = new Stamp { A = n, B = n, C = n, D = n };
            Stamps.Update(key % Keys, stamp);
        }
        return XdpAction.Pass;
    }
}
