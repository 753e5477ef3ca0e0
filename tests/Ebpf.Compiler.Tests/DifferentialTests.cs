using System.Buffers.Binary;
using System.Reflection;
using Ebpf.Asm;
using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Metadata;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// The same C# function run as .NET and, compiled, in the kernel (BPF_PROG_TEST_RUN) must agree on every input.
/// A socket-filter harness reads the two arguments from the packet, calls the compiled function (BPF-to-BPF)
/// and returns its result's low or high 32 bits.
/// </summary>
public class DifferentialTests
{
    private const int Inputs = 10_000;

    /// <summary>Each function, from this (unoptimized) assembly and from the optimized corpus.</summary>
    public static TheoryData<string, bool> Functions()
    {
        var data = new TheoryData<string, bool>();
        foreach (var m in typeof(Samples).GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            data.Add(m.Name, false);
            data.Add(m.Name, true);
        }
        return data;
    }

    [KernelTheory]
    [MemberData(nameof(Functions))]
    public void Kernel_and_dotnet_agree(string name, bool optimized)
    {
        var samples = optimized ? typeof(Ebpf.Compiler.Corpus.Samples) : typeof(Samples);
        var method = samples.GetMethod(name)!;
        using var input = AssemblyInput.Open(samples.Assembly.Location);
        var compiled = FunctionCompiler.Compile(input, input.FindMethod(samples.FullName!, name));
        using var low = Load(compiled, high: false);
        using var high = Load(compiled, high: true);
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) ^ 0x5eed);
        var packet = new byte[64]; // an IPv4 frame must hold at least an IP header, or the test run refuses it (EINVAL)
        packet[12] = 0x08;
        var output = new byte[packet.Length + 64];
        var parameters = method.GetParameters();
        for (var n = 0; n < Inputs; n++)
        {
            var a = Interesting(random);
            var b = Interesting(random);
            BinaryPrimitives.WriteInt64LittleEndian(packet.AsSpan(14), a);
            BinaryPrimitives.WriteInt64LittleEndian(packet.AsSpan(22), b);
            object[] all = [Arg(parameters[0].ParameterType, a), Arg(parameters[^1].ParameterType, b)];
            var expected = ToLong(method.Invoke(null, all[..parameters.Length])!);
            uint lo;
            try { lo = BpfSyscall.ProgTestRun(low, packet, output).ReturnValue; }
            catch (BpfSyscallException e) { throw new InvalidOperationException($"{name}({a}, {b}) run {n}: {e.Message}", e); }
            var got = (long)lo;
            if (method.ReturnType == typeof(long) || method.ReturnType == typeof(ulong))
                got = (long)(((ulong)BpfSyscall.ProgTestRun(high, packet, output).ReturnValue << 32) | lo);
            else
                expected = (uint)expected;
            Assert.True(expected == got, $"{name}({a}, {b}): .NET gives {expected}, the kernel {got}\n{string.Join("\n", compiled.Instructions.Select(i => Disassembler.Format(i)))}");
        }
    }

    /// <summary>Edge values often, random ones otherwise: overflow, sign and width boundaries are where compilers go wrong.</summary>
    private static long Interesting(Random random) => random.Next(6) switch
    {
        0 => new long[] { 0, 1, -1, 2, -2, 7, 31, 32, 33, 63, 64, 255, 256, 65535, 65536 }[random.Next(15)],
        1 => new long[] { int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, short.MinValue, sbyte.MaxValue }[random.Next(7)],
        2 => random.Next(-1000, 1000),
        3 => random.Next(),
        _ => random.NextInt64(long.MinValue, long.MaxValue),
    };

    private static object Arg(Type type, long value) => type switch
    {
        _ when type == typeof(int) => (int)value,
        _ when type == typeof(uint) => (uint)value,
        _ when type == typeof(long) => value,
        _ when type == typeof(ulong) => (ulong)value,
        _ => throw new InvalidOperationException(type.Name),
    };

    private static long ToLong(object value) => value switch
    {
        int i => i,
        uint u => u,
        long l => l,
        ulong ul => (long)ul,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException(value.GetType().Name),
    };

    private static BpfProgramFd Load(CompiledFunction function, bool high)
    {
        var harness = new List<Instruction>
        {
            Instruction.Mov64(Register.R6, Register.R1),
            Instruction.Mov64(Register.R2, 0),
            Instruction.Mov64(Register.R3, Register.R10),
            Instruction.Alu64(AluOp.Add, Register.R3, -16),
            Instruction.Mov64(Register.R4, 16),
            Instruction.CallHelper(26), // bpf_skb_load_bytes(skb, 0, fp - 16, 16)
            Instruction.LoadMem(MemorySize.DW, Register.R1, Register.R10, -16),
            Instruction.LoadMem(MemorySize.DW, Register.R2, Register.R10, -8),
        };
        var call = harness.Count;
        harness.Add(Instruction.CallPseudo(0));
        if (high)
            harness.Add(Instruction.Alu64(AluOp.Rsh, Register.R0, 32));
        harness.Add(Instruction.Exit());
        harness[call] = Instruction.CallPseudo(harness.Count - call - 1); // the function follows the harness
        harness.AddRange(function.Instructions);
        var code = InstructionEncoder.Encode(harness);
        return BpfSyscall.ProgLoad(new ProgLoadRequest(BpfProgramType.SocketFilter, code, "GPL") { Name = "differential" });
    }
}
