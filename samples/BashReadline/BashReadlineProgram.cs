using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace BashReadline;

/// <summary>One line that bash's readline returned, as user space receives it from the ring buffer.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe partial struct ReadlineEvent
{
    public uint Pid;
    public fixed byte Comm[16];
    public fixed byte Line[BashReadlineProgram.LineLength];
}

/// <summary>
/// bashreadline: a uretprobe on readline in bash sees each command line an interactive shell reads, in the shell's
/// memory (readline returns a malloc'd string); it copies pid, comm and the line into the ring buffer.
/// </summary>
[License("GPL")]
public sealed unsafe class BashReadlineProgram
{
    /// <summary>Longer lines are cut to this many bytes, the terminating NUL included.</summary>
    public const int LineLength = 120;

    [Map] public static readonly RingBuffer Events = new(256 * 1024);

    // The helpers fill every byte of the event: [SkipLocalsInit] spares zeroing its 140 bytes first (C leaves it too).
    [URetProbe, SkipLocalsInit]
    public static int OnReadline(PtRegsContext regs)
    {
        var line = regs.ReturnValue;
        if (line == 0) // end of input: readline returns NULL
            return 0;
        ReadlineEvent e; // fields set one by one: an object initializer builds a temporary and copies it
        e.Pid = (uint)(Bpf.GetCurrentPidTgid() >> 32);
        Bpf.GetCurrentComm(new Span<byte>(e.Comm, 16));
        Bpf.ProbeReadUserString(new Span<byte>(e.Line, LineLength), line);
        Events.Output(in e);
        return 0;
    }
}
