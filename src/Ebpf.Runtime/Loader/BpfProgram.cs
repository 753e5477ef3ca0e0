using Ebpf.Linking;
using Ebpf.Native;
using Ebpf.Object.Programs;

namespace Ebpf;

/// <summary>The result of <see cref="BpfProgram.TestRun(ReadOnlySpan{byte}, int)"/>.</summary>
public sealed record TestRunResult(uint ReturnValue, TimeSpan Duration, byte[] Output, byte[] Context);

/// <summary>A program loaded into the kernel. Disposing closes the descriptor; attachments and pins keep it alive.</summary>
public sealed class BpfProgram : IDisposable
{
    internal BpfProgram(string name, BpfProgramFd fd, ProgramSpec? spec, LinkedProgram? linked)
    {
        Name = name; Fd = fd; Spec = spec; Linked = linked; ExpectedAttachType = spec?.Definition?.ExpectedAttachType;
    }

    /// <summary>The function name.</summary>
    public string Name { get; }

    /// <summary>The program as read from its object; null for programs opened from a pin.</summary>
    public ProgramSpec? Spec { get; }

    /// <summary>The instructions as loaded (subprograms appended), when loaded from an object.</summary>
    public LinkedProgram? Linked { get; }

    /// <summary>The program's descriptor, owned by this object; valid until <see cref="Dispose"/>.</summary>
    public BpfProgramFd Fd { get; }

    /// <summary>The verifier's log of a successful load, when <see cref="BpfLoadOptions.LogLevel"/> asked for one.</summary>
    public string? VerifierLog { get; internal init; }

    /// <summary>The kernel program type.</summary>
    public BpfProgramType Type => Fd.Type;

    /// <summary>The attach type the program was loaded with (from its section, or <see cref="ProgramOptions.ExpectedAttachType"/>), if any.</summary>
    public BpfAttachType? ExpectedAttachType { get; internal init; }

    /// <summary>The ELF section the program came from (e.g. <c>xdp</c>, <c>kprobe/do_sys_open</c>); null without an object.</summary>
    public string? SectionName => Spec?.SectionName;

    /// <summary>Opens a program pinned on bpffs.</summary>
    public static BpfProgram OpenPinned(string path)
    {
        var fd = BpfSyscall.ObjGetProgram(path);
        return new BpfProgram(Path.GetFileName(path), fd, null, null);
    }

    /// <summary>Pins the program at <paramref name="path"/> on bpffs so it outlives this process.</summary>
    /// <exception cref="Native.BpfSyscallException">The path is not on bpffs, already exists, or its directory is missing.</exception>
    public void Pin(string path) => BpfSyscall.ObjPin(Fd, path);

    /// <summary>
    /// The BTF id of function <paramref name="function"/> in the BTF the kernel holds for this program: what an freplace
    /// program's link names as target_btf_id (and what <see cref="ProgramOptions.AttachTarget(BpfProgram, string)"/> resolves).
    /// </summary>
    public uint FunctionBtfId(string function) => (uint)Loading.AttachTargets.FindFunction(Fd, function, $"function '{function}' was looked up in").Func.Id;

    /// <summary>Name, tag, type, sizes, map ids, and run count and time when statistics are enabled.</summary>
    public BpfProgramInfo Info => BpfSyscall.GetProgramInfo(Fd);

    /// <summary>
    /// Runs the program once per repetition on <paramref name="data"/> (a packet for network programs) with
    /// BPF_PROG_TEST_RUN and returns the return value, the average duration and the output packet.
    /// </summary>
    public TestRunResult TestRun(ReadOnlySpan<byte> data, int repeat = 1) => TestRun(data, default, repeat);

    /// <summary>As <see cref="TestRun(ReadOnlySpan{byte}, int)"/>, with a context (e.g. a <c>struct __sk_buff</c>) for the kinds that take one.</summary>
    public TestRunResult TestRun(ReadOnlySpan<byte> data, ReadOnlySpan<byte> context, int repeat = 1)
    {
        if (repeat < 1)
            throw new BpfException($"program '{Name}': repeat must be at least 1, not {repeat}");
        // Room for programs that grow the packet (XDP adjust_head/tail, tc encapsulation).
        var output = new byte[data.Length + 256];
        var contextOut = new byte[context.Length];
        if (Type == BpfProgramType.Syscall)
        {
            // Syscall programs run once, take neither a repeat count nor an output context: the kernel writes the
            // context back into the input, so it gets a copy.
            if (repeat != 1 || !data.IsEmpty)
                throw new BpfException($"program '{Name}' is a syscall program: it runs once on a context alone (no packet data, repeat 1)");
            context.CopyTo(contextOut);
            var run = BpfSyscall.ProgTestRun(Fd, new TestRunRequest { ContextIn = contextOut });
            return new TestRunResult(run.ReturnValue, TimeSpan.Zero, [], contextOut);
        }
        var result = BpfSyscall.ProgTestRun(Fd, new TestRunRequest
        {
            DataIn = data, DataOut = data.IsEmpty ? default : output, ContextIn = context,
            ContextOut = context.IsEmpty ? default : contextOut, Repeat = (uint)repeat,
        });
        return new TestRunResult(result.ReturnValue, TimeSpan.FromTicks(result.DurationNs / 100), output[..Math.Min(output.Length, result.DataSizeOut)],
            contextOut[..Math.Min(contextOut.Length, result.ContextSizeOut)]);
    }

    /// <summary>Closes the descriptor. The program lives on while links, attachments or pins still hold it.</summary>
    public void Dispose() => Fd.Dispose();

    /// <summary>The name and type, for logs.</summary>
    public override string ToString() => $"{Name} ({Type})";
}
