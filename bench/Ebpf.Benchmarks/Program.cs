using System.Diagnostics;
using BenchmarkDotNet.Running;
using Ebpf.Object.Btf;
using BtfHeader = Ebpf.Object.Btf.BtfHeader;

namespace Ebpf.Benchmarks;

public static class Program
{
    /// <summary>
    /// `--quick PATH N`: times Btf.Load(PATH) (file read + parse) N times after a warm-up and prints ns/op, the
    /// same measurement bench/c/btf_parse does with libbpf, so run-btf.sh can compare them in one run.
    /// Anything else goes to BenchmarkDotNet (e.g. `--filter '*Btf*'`).
    /// </summary>
    private static void Time(string what, Func<int> f, int n = 300, bool noGc = false)
    {
        for (int i = 0; i < 50; i++) f();
        if (noGc) GC.TryStartNoGCRegion(200_000_000);
        int gc2 = GC.CollectionCount(2), gc0 = GC.CollectionCount(0);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) f();
        if (noGc) GC.EndNoGCRegion();
        Console.WriteLine($"{what}: {sw.Elapsed.TotalNanoseconds / n:F0} ns/op, gen0 GCs {GC.CollectionCount(0) - gc0}, gen2 GCs {GC.CollectionCount(2) - gc2}");
    }

    public static int Main(string[] args)
    {
        if (args.Length >= 1 && args[0] == "--quick")
        {
            string path = args.Length > 1 ? args[1] : Btf.KernelPath;
            int n = args.Length > 2 ? int.Parse(args[2]) : 200;
            // Dispose frees the data at once, as btf__free does in the C loop.
            for (int i = 0; i < Math.Max(20, n / 5); i++) Btf.Load(path).Dispose();
            GC.Collect();
            var sw = Stopwatch.StartNew();
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                using var btf = Btf.Load(path);
                count += btf.Count;
            }
            sw.Stop();
            double ns = sw.Elapsed.TotalNanoseconds / n;
            Console.WriteLine($"csharp Btf.Load: {ns:F0} ns/op ({count / n} types, {n} iterations)");
            return 0;
        }
        if (args.Length >= 1 && args[0] == "--index-only")
        {
            var bytes = File.ReadAllBytes(args.Length > 1 ? args[1] : Btf.KernelPath);
            var offsets = new int[BtfIndexer.MaxCount(BtfHeader.Read(bytes))];
            Time("header+index", () => { var h = BtfHeader.Read(bytes); return BtfIndexer.Index(bytes, h, offsets); }, int.Parse(args.Length > 2 ? args[2] : "1000"));
            return 0;
        }
        if (args.Length >= 1 && args[0] == "--parts")
        {
            string path = Btf.KernelPath;
            var bytes = File.ReadAllBytes(path);
            Time("ReadAllBytes", () => File.ReadAllBytes(path).Length);
            Time("BtfFileReader", () => { var nb = BtfFileReader.Read(path); nb.Free(); return nb.Length; });
            Time("native alloc+copy", () => { unsafe { var p = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)bytes.Length); bytes.CopyTo(new Span<byte>(p, bytes.Length)); System.Runtime.InteropServices.NativeMemory.Free(p); } return 1; });
            Time("alloc+copy", () => { var c = GC.AllocateUninitializedArray<byte>(bytes.Length); bytes.CopyTo(c, 0); return c.Length; });
            Time("sum words", () => { uint sum = 0; var w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bytes.AsSpan(24, 3_200_000)); foreach (var x in w) sum += x; return (int)sum; });
            Time("header+index (no GC)", () => { var h = BtfHeader.Read(bytes); return BtfIndexer.Index(bytes, h, new int[BtfIndexer.MaxCount(h)]); }, 30, noGc: true);
            Time("alloc offsets", () => GC.AllocateUninitializedArray<int>(270_000).Length);
            Time("header+index", () => { var h = BtfHeader.Read(bytes); return BtfIndexer.Index(bytes, h, new int[BtfIndexer.MaxCount(h)]); });
            Time("Parse(bytes)", () => Btf.Parse(bytes).Count);
            Time("Load(path)", () => Btf.Load(path).Count);
            return 0;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
