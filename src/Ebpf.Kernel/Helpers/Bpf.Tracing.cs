using System.Runtime.InteropServices;
using System.Text;

namespace Ebpf.Kernel;

// Helpers of tracing programs: memory reads, the current task, stacks, the traced function, signals, formatting.
// Addresses are ulong: a pointer field of a tracepoint record, a register of pt_regs or an argument of a tp_btf program
// is passed as is. Managed, reads look in ManagedKernel.Memory only.
public static partial class Bpf
{
    /// <summary>BPF_F_USER_STACK: the user-space stack instead of the kernel's (bpf_get_stack, bpf_get_stackid).</summary>
    public const ulong UserStack = 1 << 8;

    /// <summary>Copies <paramref name="destination"/>.Length bytes of kernel memory at <paramref name="address"/> (bpf_probe_read_kernel): 0, or a negative errno with the buffer zeroed.</summary>
    [Helper(113, "probe_read_kernel")]
    public static int ProbeReadKernel(Span<byte> destination, ulong address) => ManagedKernel.Current.Memory.Read(destination, address, MemorySpace.Kernel);

    /// <summary>Reads a <typeparamref name="T"/> from kernel memory (bpf_probe_read_kernel of sizeof(T)): 0, or a negative errno with the value zeroed.</summary>
    [Helper(113, "probe_read_kernel")]
    public static int ProbeReadKernel<T>(out T value, ulong address) where T : unmanaged
    {
        value = default;
        return ManagedKernel.Current.Memory.Read(MemoryMarshal.AsBytes(new Span<T>(ref value)), address, MemorySpace.Kernel);
    }

    /// <summary>Copies bytes of the current process's memory (bpf_probe_read_user): 0, or a negative errno with the buffer zeroed.</summary>
    [Helper(112, "probe_read_user")]
    public static int ProbeReadUser(Span<byte> destination, ulong address) => ManagedKernel.Current.Memory.Read(destination, address, MemorySpace.User);

    /// <summary>Reads a <typeparamref name="T"/> from the current process's memory (bpf_probe_read_user of sizeof(T)).</summary>
    [Helper(112, "probe_read_user")]
    public static int ProbeReadUser<T>(out T value, ulong address) where T : unmanaged
    {
        value = default;
        return ManagedKernel.Current.Memory.Read(MemoryMarshal.AsBytes(new Span<T>(ref value)), address, MemorySpace.User);
    }

    /// <summary>Copies a NUL-terminated string of kernel memory, truncated to the buffer and always terminated (bpf_probe_read_kernel_str): the bytes written with the NUL, or a negative errno.</summary>
    [Helper(115, "probe_read_kernel_str")]
    public static int ProbeReadKernelString(Span<byte> destination, ulong address) => ManagedKernel.Current.Memory.ReadString(destination, address, MemorySpace.Kernel);

    /// <summary>Copies a NUL-terminated string of the current process (bpf_probe_read_user_str), as <see cref="ProbeReadKernelString"/>.</summary>
    [Helper(114, "probe_read_user_str")]
    public static int ProbeReadUserString(Span<byte> destination, ulong address) => ManagedKernel.Current.Memory.ReadString(destination, address, MemorySpace.User);

    /// <summary>Copies user memory in a sleepable program, where it may fault pages in (bpf_copy_from_user): only .s programs may call it.</summary>
    [Helper(148, "copy_from_user")]
    public static int CopyFromUser(Span<byte> destination, ulong address) => ManagedKernel.Current.Memory.Read(destination, address, MemorySpace.User);

    /// <summary>The address of the current task_struct (bpf_get_current_task); read its fields with the probe reads.</summary>
    [Helper(35, "get_current_task")]
    public static ulong GetCurrentTask() => ManagedKernel.Current.CurrentTask;

    /// <summary>The current task_struct as a BTF pointer (bpf_get_current_task_btf): tp_btf, fentry/fexit and LSM programs may load its fields directly.</summary>
    [Helper(158, "get_current_task_btf")]
    public static ulong GetCurrentTaskBtf() => ManagedKernel.Current.CurrentTask;

    /// <summary>The address of the traced function (bpf_get_func_ip): fentry/fexit, kprobes and uprobes.</summary>
    [Helper(173, "get_func_ip"), ContextArgument]
    public static ulong GetFuncIp() => ManagedKernel.Current.FunctionIp;

    /// <summary>The cookie the program was attached with (bpf_get_attach_cookie), 0 without one.</summary>
    [Helper(174, "get_attach_cookie"), ContextArgument]
    public static ulong GetAttachCookie() => ManagedKernel.Current.AttachCookie;

    /// <summary>
    /// The current call stack, innermost first, as 8-byte addresses into <paramref name="buffer"/> (bpf_get_stack); the low 8 bits of
    /// <paramref name="flags"/> skip frames, <see cref="UserStack"/> takes the user stack. The bytes written (the rest is zeroed), or a negative errno.
    /// </summary>
    [Helper(67, "get_stack"), ContextArgument]
    public static int GetStack(Span<byte> buffer, ulong flags = 0)
    {
        if ((flags & ~(0xffUL | UserStack)) != 0 || buffer.Length % 8 != 0) return -Errno.EINVAL;
        var k = ManagedKernel.Current;
        var frames = ((flags & UserStack) != 0 ? k.UserStack : k.KernelStack).Skip((int)(flags & 0xff)).Take(buffer.Length / 8).ToArray();
        buffer.Clear();
        MemoryMarshal.AsBytes(frames.AsSpan()).CopyTo(buffer);
        return frames.Length * 8;
    }

    /// <summary>Sends <paramref name="signal"/> to the current process (bpf_send_signal): 0 or a negative errno.</summary>
    [Helper(109, "send_signal")]
    public static int SendSignal(uint signal) => Signal(signal, thread: false);

    /// <summary>Sends <paramref name="signal"/> to the current thread only (bpf_send_signal_thread).</summary>
    [Helper(117, "send_signal_thread")]
    public static int SendSignalThread(uint signal) => Signal(signal, thread: true);

    private static int Signal(uint signal, bool thread)
    {
        if (signal is 0 or > 64) return -Errno.EINVAL;
        ManagedKernel.Current.AddSignal((int)signal, thread);
        return 0;
    }

    // bpf_snprintf and bpf_seq_printf: the format is a literal (in .rodata), the arguments an array of 64-bit values the
    // compiler fills on the stack; conversions as Printk's.

    /// <summary>Formats into <paramref name="buffer"/>, NUL-terminated (bpf_snprintf): the length the whole text needs with its NUL (more than the buffer when truncated), or a negative errno.</summary>
    [Helper(165, "snprintf")]
    public static int Snprintf(Span<byte> buffer, string format) => Snprintf(buffer, format, []);

    [Helper(165, "snprintf")]
    public static int Snprintf<T1>(Span<byte> buffer, string format, T1 a) where T1 : unmanaged => Snprintf(buffer, format, [Widen(a)]);

    [Helper(165, "snprintf")]
    public static int Snprintf<T1, T2>(Span<byte> buffer, string format, T1 a, T2 b) where T1 : unmanaged where T2 : unmanaged => Snprintf(buffer, format, [Widen(a), Widen(b)]);

    [Helper(165, "snprintf")]
    public static int Snprintf<T1, T2, T3>(Span<byte> buffer, string format, T1 a, T2 b, T3 c) where T1 : unmanaged where T2 : unmanaged where T3 : unmanaged =>
        Snprintf(buffer, format, [Widen(a), Widen(b), Widen(c)]);

    private static int Snprintf(Span<byte> buffer, string format, ulong[] args)
    {
        var text = Encoding.UTF8.GetBytes(Format(format, args));
        if (buffer.Length > 0)
        {
            var n = Math.Min(text.Length, buffer.Length - 1);
            text.AsSpan(0, n).CopyTo(buffer);
            buffer[n] = 0;
        }
        return text.Length + 1;
    }

    /// <summary>Writes formatted text to an iterator's seq_file (bpf_seq_printf; <c>ctx-&gt;Meta-&gt;Seq</c>): 0, or a negative errno.</summary>
    [Helper(126, "seq_printf")]
    public static int SeqPrintf(ulong seq, string format) => ManagedKernel.Current.SeqWrite(seq, Format(format, []));

    [Helper(126, "seq_printf")]
    public static int SeqPrintf<T1>(ulong seq, string format, T1 a) where T1 : unmanaged => ManagedKernel.Current.SeqWrite(seq, Format(format, [Widen(a)]));

    [Helper(126, "seq_printf")]
    public static int SeqPrintf<T1, T2>(ulong seq, string format, T1 a, T2 b) where T1 : unmanaged where T2 : unmanaged =>
        ManagedKernel.Current.SeqWrite(seq, Format(format, [Widen(a), Widen(b)]));

    [Helper(126, "seq_printf")]
    public static int SeqPrintf<T1, T2, T3>(ulong seq, string format, T1 a, T2 b, T3 c) where T1 : unmanaged where T2 : unmanaged where T3 : unmanaged =>
        ManagedKernel.Current.SeqWrite(seq, Format(format, [Widen(a), Widen(b), Widen(c)]));

    /// <summary>Writes bytes to an iterator's seq_file (bpf_seq_write): 0, or a negative errno.</summary>
    [Helper(127, "seq_write")]
    public static int SeqWrite(ulong seq, ReadOnlySpan<byte> data) => ManagedKernel.Current.SeqWrite(seq, Encoding.UTF8.GetString(data));
}
