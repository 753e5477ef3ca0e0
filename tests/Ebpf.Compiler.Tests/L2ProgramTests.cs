using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>XDP and tc programs that rewrite frames: the kernel and the .NET run agree on the verdict and on every output byte.</summary>
public class L2ProgramTests
{
    [KernelFact]
    public void Xdp_rewrites_frames_as_dotnet_does()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(L2Programs)));
        var program = bpf.Programs[nameof(L2Programs.Bounce)];
        var random = new Random(3);
        var verdicts = new HashSet<XdpAction>();
        for (var n = 0; n < 10_000; n++)
        {
            var frame = Frame(random);
            var context = XdpContext.ForTest(frame);
            var expected = L2Programs.Bounce(context);
            var run = program.TestRun(frame);
            Assert.True(expected == (XdpAction)run.ReturnValue, $"frame {n}: .NET {expected}, kernel {(XdpAction)run.ReturnValue}");
            Assert.True(context.Packet.SequenceEqual(run.Output), $"frame {n}: the rewritten bytes differ");
            verdicts.Add(expected);
        }
        Assert.Equal(3, verdicts.Count); // Pass, Drop and Tx all occur
    }

    [KernelFact]
    public void Tc_rewrites_frames_through_skb_store_bytes_as_dotnet_does()
    {
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(L2Programs)));
        var program = bpf.Programs[nameof(L2Programs.Mark)];
        var random = new Random(4);
        var verdicts = new HashSet<TcAction>();
        for (var n = 0; n < 10_000; n++)
        {
            var frame = Frame(random);
            var context = SkBuffContext.ForTest(frame); // tc sees the frame from its Ethernet header on
            var expected = L2Programs.Mark(context);
            var run = program.TestRun(frame);
            Assert.True(expected == (TcAction)(int)run.ReturnValue, $"frame {n}: .NET {expected}, kernel {(TcAction)(int)run.ReturnValue}");
            Assert.True(context.Packet.SequenceEqual(run.Output), $"frame {n}: the rewritten bytes differ");
            verdicts.Add(expected);
        }
        Assert.Equal(2, verdicts.Count);
    }

    /// <summary>An Ethernet frame: mostly IPv4 (TCP, UDP to port 7 or not, low TTLs, short IHLs), some other EtherTypes.</summary>
    private static byte[] Frame(Random random)
    {
        var frame = new byte[random.Next(60, 600)];
        random.NextBytes(frame);
        if (random.Next(10) == 0) return frame;
        frame[12] = 0x08;
        frame[13] = 0x00;
        var ihl = random.Next(8) == 0 ? random.Next(0, 5) : 5;
        frame[14] = (byte)(0x40 | ihl);
        frame[22] = (byte)random.Next(4) switch { 0 => 0, 1 => 1, _ => (byte)random.Next(2, 255) };
        frame[23] = random.Next(3) switch { 0 => 6, 1 => 17, _ => frame[23] };
        if (frame[23] == 17 && random.Next(2) == 0)
        {
            frame[14 + 4 * Math.Max(ihl, 5) + 2] = 0;
            frame[14 + 4 * Math.Max(ihl, 5) + 3] = 7;
        }
        return frame;
    }
}
