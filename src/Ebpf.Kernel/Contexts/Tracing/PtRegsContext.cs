namespace Ebpf.Kernel;

/// <summary>
/// The context of uprobes, uretprobes, kprobes and USDT probes on x86-64: <c>struct pt_regs</c>, the registers at the
/// probe. <see cref="Arg1"/>-<see cref="Arg6"/> are the System V calling convention's argument registers (rdi, rsi, rdx,
/// rcx, r8, r9; a system call's fourth argument is in r10, <see cref="R10"/>), <see cref="ReturnValue"/> is rax (read it
/// in a uretprobe or kretprobe). In a uprobe the values are the traced process's: an argument that is a pointer points
/// into its memory (read it with <see cref="Bpf.ProbeReadUser"/>).
/// </summary>
[KernelStruct("pt_regs", Offsets.Size)]
public sealed class PtRegsContext : BpfContext
{
    public static class Offsets
    {
        public const int R15 = 0, R14 = 8, R13 = 16, R12 = 24, Bp = 32, Bx = 40, R11 = 48, R10 = 56, R9 = 64, R8 = 72,
            Ax = 80, Cx = 88, Dx = 96, Si = 104, Di = 112, OrigAx = 120, Ip = 128, Cs = 136, Flags = 144, Sp = 152, Ss = 160;
        public const int Size = 168;
    }

    private PtRegsContext() : base(Offsets.Size) { }

    /// <summary>Registers at a call of a function with these arguments (up to six), returning <paramref name="returnValue"/> (for return probes).</summary>
    [ManagedOnly]
    public static PtRegsContext ForTest(ulong arg1 = 0, ulong arg2 = 0, ulong arg3 = 0, ulong arg4 = 0, ulong arg5 = 0, ulong arg6 = 0,
        ulong returnValue = 0, ulong ip = 0, ulong sp = 0)
    {
        var ctx = new PtRegsContext();
        ctx.SetU64(Offsets.Di, arg1);
        ctx.SetU64(Offsets.Si, arg2);
        ctx.SetU64(Offsets.Dx, arg3);
        ctx.SetU64(Offsets.Cx, arg4);
        ctx.SetU64(Offsets.R8, arg5);
        ctx.SetU64(Offsets.R9, arg6);
        ctx.SetU64(Offsets.Ax, returnValue);
        ctx.SetU64(Offsets.Ip, ip);
        ctx.SetU64(Offsets.Sp, sp);
        return ctx;
    }

    [ContextField("di", Offsets.Di, 8)] public ulong Arg1 => U64(Offsets.Di);
    [ContextField("si", Offsets.Si, 8)] public ulong Arg2 => U64(Offsets.Si);
    [ContextField("dx", Offsets.Dx, 8)] public ulong Arg3 => U64(Offsets.Dx);
    [ContextField("cx", Offsets.Cx, 8)] public ulong Arg4 => U64(Offsets.Cx);
    [ContextField("r8", Offsets.R8, 8)] public ulong Arg5 => U64(Offsets.R8);
    [ContextField("r9", Offsets.R9, 8)] public ulong Arg6 => U64(Offsets.R9);

    /// <summary>rax: the return value at a return probe.</summary>
    [ContextField("ax", Offsets.Ax, 8)] public ulong ReturnValue => U64(Offsets.Ax);

    /// <summary>r10: a system call's fourth argument (rcx is clobbered by the syscall instruction).</summary>
    [ContextField("r10", Offsets.R10, 8)] public ulong R10 => U64(Offsets.R10);

    /// <summary>The instruction pointer.</summary>
    [ContextField("ip", Offsets.Ip, 8)] public ulong Ip => U64(Offsets.Ip);

    /// <summary>The stack pointer.</summary>
    [ContextField("sp", Offsets.Sp, 8)] public ulong Sp => U64(Offsets.Sp);

    [ContextField("bp", Offsets.Bp, 8)] public ulong Bp => U64(Offsets.Bp);
}
