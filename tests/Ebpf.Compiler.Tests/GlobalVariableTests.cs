using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>Static fields of a program class are global variables: the kernel and .NET agree, and user space changes them live.</summary>
public class GlobalVariableTests
{
    [KernelFact]
    public void Globals_are_read_written_and_set_from_user_space_as_in_dotnet()
    {
        GlobalPrograms.Packets = 0;
        GlobalPrograms.Bytes = 0;
        GlobalPrograms.Threshold = 300;
        GlobalPrograms.Limits = new Limits { MaxLength = 1000 };
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(GlobalPrograms)));
        using var data = bpf.GlobalData(".data");
        using var bss = bpf.GlobalData(".bss");
        Assert.Equal(300u, data.Get<uint>(nameof(GlobalPrograms.Threshold)));
        var program = bpf.Programs[nameof(GlobalPrograms.Police)];
        var random = new Random(7);
        for (var n = 0; n < 10_000; n++)
        {
            if (n == 4_000)
            {
                // Change the settings in both worlds: the running program sees them at once.
                GlobalPrograms.Threshold = 700;
                data.Set(nameof(GlobalPrograms.Threshold), 700u);
                GlobalPrograms.Limits = new Limits { MaxLength = 1200, DropOdd = 1 };
                data.Set(nameof(GlobalPrograms.Limits), GlobalPrograms.Limits);
            }
            var ip = TestFrames.IPv4Packet(random.Next(20, 1400));
            var frame = TestFrames.Ethernet(ip);
            var expected = GlobalPrograms.Police(SkBuffContext.ForTest(ip, protocol: EtherType.IPv4));
            Assert.Equal(expected, (SkbVerdict)program.TestRun(frame).ReturnValue);
        }
        Assert.Equal(10_000UL, bss.Get<ulong>(nameof(GlobalPrograms.Packets)));
        Assert.Equal(GlobalPrograms.Packets, bss.Get<ulong>(nameof(GlobalPrograms.Packets)));
        Assert.Equal(GlobalPrograms.Bytes, bss.Get<ulong>(nameof(GlobalPrograms.Bytes)));
    }
}

public class FrameReuseTests
{
    [KernelFact]
    public void An_inlined_methods_locals_free_their_frame_bytes_for_the_next_call()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(FramePrograms)));
        var program = bpf.Programs[nameof(FramePrograms.Twice)];
        foreach (var length in new[] { 20, 64, 333, 700, 1400, 1999 })
        {
            var ip = TestFrames.IPv4Packet(length);
            var frame = TestFrames.Ethernet(ip);
            Assert.Equal(FramePrograms.Twice(SkBuffContext.ForTest(ip, protocol: EtherType.IPv4)), (SkbVerdict)program.TestRun(frame).ReturnValue);
        }
    }
}

public class LoadTimeConstantTests
{
    [KernelFact]
    public void A_load_time_constant_takes_the_value_set_before_load()
    {
        var elf = ProgramCompiler.Compile(typeof(ConfiguredPrograms));
        Assert.Contains(Ebpf.Object.BpfObjectFile.Read(elf).DataSections, d => d.Name == ".rodata");
        Verdicts(elf, new BpfLoadOptions(), limit: 500, odd: false);
        Verdicts(elf, new BpfLoadOptions().SetVariable(nameof(ConfiguredPrograms.Limit), 100u), limit: 100, odd: false);
        Verdicts(elf, new BpfLoadOptions().SetVariable(nameof(ConfiguredPrograms.Extra), new Limits { MaxLength = 1200, DropOdd = 1 }), limit: 500, odd: true);
    }

    private static void Verdicts(byte[] elf, BpfLoadOptions options, int limit, bool odd)
    {
        using var bpf = BpfObject.Load(elf, options);
        var program = bpf.Programs[nameof(ConfiguredPrograms.Limited)];
        foreach (var length in new[] { 20, 99, 101, 250, 499, 501, 777, 1300 })
        {
            var frame = TestFrames.Ethernet(TestFrames.IPv4Packet(length));
            var expected = length > limit || odd && (length & 1) != 0 ? SkbVerdict.Drop : SkbVerdict.Pass;
            Assert.True(expected == (SkbVerdict)program.TestRun(frame).ReturnValue, $"{length} bytes with limit {limit}");
        }
    }
}
