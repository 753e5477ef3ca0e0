using System.Buffers.Binary;
using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;
using Ebpf.Object.Writing;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// A C# cgroup_skb program, compiled to BPF, written as an object with the writer, loaded with the loader and run by the
/// kernel on generated IPv4 and IPv6 packets: its verdict must equal the same method run as .NET on the same packet.
/// </summary>
public class SkbProgramTests
{
    private const int Packets = 10_000;

    public static TheoryData<string> Programs() => new(typeof(SkbPrograms).GetMethods().Where(m => m.IsStatic && m.DeclaringType == typeof(SkbPrograms)).Select(m => m.Name));

    [KernelTheory]
    [MemberData(nameof(Programs))]
    public void Kernel_verdicts_equal_the_dotnet_run(string name)
    {
        using var input = AssemblyInput.Open(typeof(SkbPrograms).Assembly.Location);
        var compiled = FunctionCompiler.Compile(input, input.FindMethod(typeof(SkbPrograms).FullName!, name));
        var builder = new BpfObjectBuilder { License = "GPL" };
        builder.AddProgram("cgroup_skb/egress", new FunctionDefinition(name, compiled.Instructions));
        using var bpf = BpfObject.Load(builder.Build());
        var program = bpf.Programs[name];
        var method = typeof(SkbPrograms).GetMethod(name)!;
        var random = new Random(name.Length * 7919);
        var seen = new HashSet<SkbVerdict>();
        for (var n = 0; n < Packets; n++)
        {
            var v6 = random.Next(2) == 0;
            var ip = new byte[random.Next(v6 ? 40 : 20, 1400)];
            random.NextBytes(ip);
            ip[0] = (byte)(v6 ? 0x60 : 0x45);
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(v6 ? 4 : 2), (ushort)(v6 ? ip.Length - 40 : ip.Length));
            var frame = TestFrames.Ethernet(ip, v6 ? EtherType.IPv6 : EtherType.IPv4);

            var expected = (SkbVerdict)method.Invoke(null, [SkBuffContext.ForTest(ip, protocol: v6 ? EtherType.IPv6 : EtherType.IPv4)])!;
            var actual = (SkbVerdict)program.TestRun(frame).ReturnValue;
            Assert.True(expected == actual, $"{name} on a {ip.Length}-byte IPv{(v6 ? 6 : 4)} packet: .NET says {expected}, the kernel {actual}");
            seen.Add(actual);
        }
        Assert.Equal(2, seen.Count); // the inputs reach both verdicts, so agreement means something
    }
}
