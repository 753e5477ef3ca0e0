using System.Text;

namespace Ebpf.Kernel;

// What the tracing helpers answer when a program runs as plain .NET.
public sealed partial class ManagedKernel
{
    private readonly List<(int Signal, bool Thread)> _signals = [];
    private readonly Dictionary<ulong, StringBuilder> _seqFiles = [];

    /// <summary>Kernel and user memory for the probe reads (bpf_probe_read_*), as a test maps it.</summary>
    public ManagedMemory Memory { get; } = new();

    /// <summary>The address of the current task_struct (bpf_get_current_task); a test maps it in <see cref="Memory"/> to let programs read it.</summary>
    public ulong CurrentTask { get; set; }

    /// <summary>The traced function's address (bpf_get_func_ip).</summary>
    public ulong FunctionIp { get; set; }

    /// <summary>The cookie given at attach (bpf_get_attach_cookie).</summary>
    public ulong AttachCookie { get; set; }

    /// <summary>The call stack, innermost first (bpf_get_stack, bpf_get_stackid): kernel addresses, or user ones with BPF_F_USER_STACK.</summary>
    public ulong[] KernelStack { get; set; } = [];
    public ulong[] UserStack { get; set; } = [];

    /// <summary>Signals the programs sent (bpf_send_signal: to the process; bpf_send_signal_thread: to the thread), oldest first.</summary>
    public IReadOnlyList<(int Signal, bool Thread)> SignalsSent
    {
        get { lock (_signals) return _signals.ToArray(); }
    }

    internal void AddSignal(int signal, bool thread)
    {
        lock (_signals) _signals.Add((signal, thread));
    }

    /// <summary>A seq_file for an iterator test: what <see cref="Bpf.SeqPrintf(ulong, string)"/> writes to it is read back with <see cref="SeqText"/>.</summary>
    public ulong OpenSeqFile()
    {
        lock (_seqFiles)
        {
            var id = 0xffff_8000_0000_0000UL + (ulong)_seqFiles.Count * 4096;
            _seqFiles[id] = new StringBuilder();
            return id;
        }
    }

    public string SeqText(ulong seq)
    {
        lock (_seqFiles) return _seqFiles.TryGetValue(seq, out var s) ? s.ToString() : throw new ArgumentException($"0x{seq:x} is not a seq_file of this kernel; open one with OpenSeqFile.", nameof(seq));
    }

    /// <summary>Appends to a seq_file: 0, or -EINVAL for an address that is none.</summary>
    internal int SeqWrite(ulong seq, string text)
    {
        lock (_seqFiles)
        {
            if (!_seqFiles.TryGetValue(seq, out var s)) return -Errno.EINVAL;
            s.Append(text);
            return 0;
        }
    }
}
