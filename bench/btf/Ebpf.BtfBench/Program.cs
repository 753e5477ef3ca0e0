using System.Diagnostics;
using BenchmarkDotNet.Running;
using Ebpf.Object.Btf;

namespace Ebpf.BtfBench;

public static class Program
{
    /// <summary>
    /// `--quick PATH N`: the same two measurements bench/btf/c/btf_parse.c makes with libbpf, warm, N iterations each:
    /// Btf.Load(PATH) (reads the file every time, like btf__parse) and Btf.Parse(bytes) (file read once, like
    /// btf__new). Each instance is disposed at once, as the C loop calls btf__free.
    /// `--stages PATH`: where the time goes (file read, header + index).
    /// Anything else goes to BenchmarkDotNet (e.g. `--filter '*Btf*'`).
    /// </summary>
    public static int Main(string[] args)
    {
        bool quick = args.Length >= 1 && args[0] == "--quick", stages = args.Length >= 1 && args[0] == "--stages";
        if (!quick && !stages)
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }
        string path = args.Length > 1 ? args[1] : Btf.KernelPath;
        int n = args.Length > 2 ? int.Parse(args[2]) : 200;
        if (quick)
        {
            var bytes = File.ReadAllBytes(path);
            int types = 0;
            double file = Time(n, () => { using var btf = Btf.Load(path); return types = btf.Count; });
            Console.WriteLine($"csharp file   Btf.Load:    {file:F0} ns/op ({types} types, {n} iterations)");
            double memory = Time(n, () => { using var btf = Btf.Parse(bytes); return btf.Count; });
            Console.WriteLine($"csharp memory Btf.Parse:   {memory:F0} ns/op");
            return 0;
        }
        {
            var bytes = File.ReadAllBytes(path);
            var offsets = new int[BtfIndexer.MaxCount(BtfHeader.Read(bytes))];
            Console.WriteLine($"read file (BtfFileReader): {Time(n, () => { var b = BtfFileReader.Read(path); b.Free(); return b.Length; }):F0} ns/op");
            Console.WriteLine($"header + index:            {Time(n, () => BtfIndexer.Index(bytes, BtfHeader.Read(bytes), offsets)):F0} ns/op");
            return 0;
        }
    }

    private static double Time(int n, Func<int> f)
    {
        for (int i = 0; i < Math.Max(20, n / 5); i++) f();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) f();
        return sw.Elapsed.TotalNanoseconds / n;
    }
}
