// The compiler benchmark (issue 5): each program of ../programs.c (clang-14 -O2) against its C# twin in Programs.cs
// (Ebpf.Compiler), in one process: instructions in the object, after the verifier (xlated), jited bytes, and run time per
// packet from BPF_PROG_TEST_RUN. Before timing, both must agree on every packet (verdict) and on map contents.
// Usage: Ebpf.CompilerBench PROGRAMS.o [--repeat N] [--rounds R] [--objects DIR]     (root: loads programs)
using System.Reflection;
using Ebpf.CompilerBench;
using Ebpf;
using Ebpf.Compiler;
using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Object;

// Ebpf.CompilerBench --tracing FIXTURES_OUT: the tracing samples against their C twins (instructions only; see TracingTwins).
if (args is ["--tracing", var fixtures])
    return TracingTwins.Run(fixtures);
if (args.Length < 1 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: Ebpf.CompilerBench PROGRAMS.o [--repeat N] [--rounds R] [--objects DIR]");
    return 2;
}
string objectPath = args[0];
int repeat = Option("--repeat", 200_000);
int rounds = Option("--rounds", 51);
// Where to write each C# object (NAME.cs.o), to read beside the C one: llvm-objdump-14 -d DIR/NAME.cs.o
string? objects = StringOption("--objects");

using var c = BpfObject.Load(objectPath);
var empty = c.Programs[Cases.EmptyCFunction];
Console.WriteLine($"compiler benchmark: C# (Ebpf.Compiler) / C (clang-14 -O2 -mcpu=v3), cgroup_skb/egress, kernel {Environment.OSVersion.Version}, " +
                  $"{Environment.ProcessorCount} CPUs; run time: median of {rounds} rounds of TestRun(repeat: {repeat:N0}), C, C# and empty interleaved");

var results = new List<Result>();
int mismatches = 0;
foreach (var bench in Cases.All)
{
    var result = new Result(bench);
    results.Add(result);
    try
    {
        Measure(bench, result);
    }
    catch (Exception e)
    {
        // A surprise in one program (a map the compiler named differently, a managed run that throws) costs that row only.
        mismatches++;
        result.Failure ??= $"harness error: {Describe(e)}";
        Console.WriteLine($"MISMATCH {bench.Name}: harness error: {Describe(e)}");
    }
}

Report.Print(results, mismatches);
return mismatches == 0 ? 0 : 1;

void Measure(Case bench, Result result)
{
    var cProgram = c.Programs[bench.CFunction];
    result.C = Sizes.Of(c.Spec, cProgram);

    // The C# side: compiled, then loaded; either may fail while the compiler grows, and the run goes on without it.
    BpfObject? cs = null;
    try
    {
        var elf = ProgramCompiler.Compile(bench.CSharpClass);
        if (objects is not null)
            File.WriteAllBytes(Path.Combine(objects, $"{bench.Name}.cs.o"), elf);
        result.CSharp = Sizes.Of(BpfObjectFile.Read(elf), null, bench.CSharpMethod);
        try
        {
            cs = BpfObject.Load(elf);
            result.CSharp = Sizes.Of(cs.Spec, cs.Programs[bench.CSharpMethod]);
        }
        catch (Exception e)
        {
            result.Failure = $"C# not loaded: {Describe(e)}";
        }
    }
    catch (Exception e)
    {
        result.Failure = $"C# not compiled: {Describe(e)}";
    }
    using var csObject = cs;
    var csProgram = cs?.Programs[bench.CSharpMethod];

    // Checks: the C# program run as .NET always (so the twins' logic is checked even before the compiler handles it), and
    // in the kernel when it loaded; each against the C program, packet by packet, then map by map.
    var managed = bench.CSharpClass.GetMethod(bench.CSharpMethod)!.CreateDelegate<Func<SkBuffContext, SkbVerdict>>();
    var maps = bench.CSharpClass.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        .Where(f => f.GetCustomAttribute<MapAttribute>() is not null).ToArray();
    foreach (var field in maps)
        ((KernelMap)field.GetValue(null)!).Clear();
    foreach (var entry in bench.Setup)
    {
        MapContents.Update((KernelMap)bench.CSharpClass.GetField(entry.Field)!.GetValue(null)!, entry.Key, entry.Value);
        c.Maps[SnakeCase(entry.Field)].Update(MapContents.ToBytes(entry.Key), MapContents.ToBytes(entry.Value));
        cs?.Maps[entry.Field].Update(MapContents.ToBytes(entry.Key), MapContents.ToBytes(entry.Value));
    }
    foreach (var packet in Packets.All)
    {
        var frame = packet.Frame();
        SkbVerdict cVerdict;
        try { cVerdict = (SkbVerdict)cProgram.TestRun(frame).ReturnValue; }
        catch (BpfException e) { Console.WriteLine($"{bench.Name} on {packet.Name}: {Describe(e)}"); continue; }
        var managedVerdict = managed(SkBuffContext.ForTest(packet.Network, protocol: packet.EtherType));
        if (managedVerdict != cVerdict)
            Mismatch($"{bench.Name} on {packet.Name}: C says {cVerdict}, C# run as .NET says {managedVerdict}");
        if (csProgram is not null && (SkbVerdict)csProgram.TestRun(frame).ReturnValue is var csVerdict && csVerdict != cVerdict)
            Mismatch($"{bench.Name} on {packet.Name}: C says {cVerdict}, C# in the kernel says {csVerdict}");
    }
    foreach (var field in maps)
    {
        var name = field.GetCustomAttribute<MapAttribute>()!.Name ?? field.Name;
        var expected = MapContents.Of(c.Maps[SnakeCase(field.Name)]);
        CompareMaps($"{bench.Name} map {name}", "C# run as .NET", expected, MapContents.Of((KernelMap)field.GetValue(null)!));
        if (cs is not null)
            CompareMaps($"{bench.Name} map {name}", "C# in the kernel", expected, MapContents.Of(cs.Maps[name]));
    }

    foreach (var packet in bench.Timed)
        result.Times.Add(Timing.Measure(packet, cProgram, csProgram, empty, repeat, rounds));
}

void Mismatch(string what)
{
    mismatches++;
    Console.WriteLine($"MISMATCH {what}");
}

void CompareMaps(string what, string side, List<string> c, List<string> other)
{
    if (c.SequenceEqual(other)) return;
    Mismatch($"{what}: C and {side} differ");
    foreach (var line in c.Except(other).Take(8)) Console.WriteLine($"    only C:        {line}");
    foreach (var line in other.Except(c).Take(8)) Console.WriteLine($"    only {side}: {line}");
}

int Option(string name, int fallback) => StringOption(name) is { } value ? int.Parse(value) : fallback;

string? StringOption(string name)
{
    int i = Array.IndexOf(args, name);
    return i > 0 && i + 1 < args.Length ? args[i + 1] : null;
}

// The first line says what failed; a verifier refusal's reason is the log's last line, so that is added.
static string Describe(Exception e)
{
    // Compiler messages start with the source path; from bench/compiler/ on is enough here.
    var first = e.Message.Split('\n')[0].Trim();
    int at = first.IndexOf("/bench/compiler/", StringComparison.Ordinal);
    if (at >= 0 && !first[..at].Contains(' ')) first = first[(at + "/bench/compiler/".Length)..];
    var text = e is CompilerException or BpfException ? first : $"{e.GetType().Name}: {first}";
    return e is Ebpf.Native.BpfVerifierException v && v.Log.TrimEnd().Split('\n')[^1].Trim() is { Length: > 0 } last && !text.Contains(last)
        ? $"{text} [verifier: {last}]" : text;
}

// programs.c names maps in C style: PortRules there is port_rules.
static string SnakeCase(string name) =>
    string.Concat(name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));
