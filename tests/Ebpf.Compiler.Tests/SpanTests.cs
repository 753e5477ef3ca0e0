using System.Text;
using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>stackalloc'd spans passed to helpers and indexed: the kernel's answers equal what .NET and /proc say.</summary>
public class SpanTests
{
    [KernelFact]
    public void Spans_reach_helpers_and_index_as_in_dotnet()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(SpanPrograms)));
        var program = bpf.Programs[nameof(SpanPrograms.Buffers)];
        var seen = bpf.Maps["Seen"].AsArray<ulong>();
        var random = new Random(11);
        var verdicts = new HashSet<SkbVerdict>();
        for (var n = 0; n < 2_000; n++)
        {
            var ip = new byte[random.Next(20, 200)];
            random.NextBytes(ip);
            if (random.Next(2) == 0) ip[0] = (byte)(0x40 | (ip[0] & 0x0f));
            var frame = TestFrames.Ethernet(ip);
            var comm = File.ReadAllBytes("/proc/thread-self/comm"); // the test run runs the program in this thread
            var actual = (SkbVerdict)program.TestRun(frame).ReturnValue;
            ManagedKernel.Current.Comm = Encoding.ASCII.GetString(comm).TrimEnd('\n');
            var expected = SpanPrograms.Buffers(SkBuffContext.ForTest(ip, protocol: EtherType.IPv4));
            Assert.Equal(expected, actual);
            verdicts.Add(actual);
            for (uint i = 0; i < 3; i++)
                Assert.True(SpanPrograms.Seen.Lookup(i) == seen[i], $"packet {n}: Seen[{i}] is {SpanPrograms.Seen.Lookup(i)} in .NET, {seen[i]} in the kernel");
        }
        Assert.Equal(2, verdicts.Count);
    }
}
