using System.Diagnostics;
using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>Bpf.Printk in the kernel writes the line the managed run writes, to the trace buffer.</summary>
public class PrintkTests
{
    private const string Tracing = "/sys/kernel/tracing";

    [KernelFact]
    public void The_kernel_traces_what_the_dotnet_run_traces()
    {
        if (!File.Exists(Path.Combine(Tracing, "trace")))
            Process.Start("mount", ["-t", "tracefs", "nodev", Tracing])!.WaitForExit();
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(TracingPrograms)));
        var length = 600 + Random.Shared.Next(300);   // a length this test alone produces
        var ip = TestFrames.IPv4Packet(length);
        var frame = TestFrames.Ethernet(ip);

        ManagedKernel.Current.ClearTrace();
        TracingPrograms.Log(SkBuffContext.ForTest(ip, protocol: EtherType.IPv4));
        var expected = Assert.Single(ManagedKernel.Current.Trace).TrimEnd('\n');
        bpf.Programs["Log"].TestRun(frame);

        var trace = File.ReadAllText(Path.Combine(Tracing, "trace"));
        Assert.Contains($"ebpf-dotnet len={length} delta={length - 1000} proto=800", expected);
        Assert.Contains(expected, trace);
    }
}
