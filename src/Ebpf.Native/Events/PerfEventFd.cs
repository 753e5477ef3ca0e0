using System.Runtime.InteropServices;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>
/// A perf event descriptor (perf_event_open), closed on Dispose. The event readers open one software
/// PERF_COUNT_SW_BPF_OUTPUT event per CPU, map its ring and store the descriptor in a perf event array, where
/// bpf_perf_event_output finds it.
/// </summary>
public sealed unsafe partial class PerfEventFd : SafeHandle
{
    private PerfEventFd(int fd, int cpu) : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
        Cpu = cpu;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The CPU the event counts on.</summary>
    public int Cpu { get; }

    /// <summary>The descriptor number, for the perf event array's value. Valid only while this handle is open.</summary>
    public int Fd
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)handle;
        }
    }

    /// <summary>
    /// Opens the BPF output event of <paramref name="cpu"/> (any process), sampling raw data, enabled. The reader
    /// is woken after every <paramref name="wakeupEvents"/> samples, or, when <paramref name="wakeupWatermark"/> is
    /// above zero, once that many bytes are waiting.
    /// </summary>
    /// <param name="what">Names the owner in an error ("map 'events'").</param>
    /// <param name="cpu">The CPU to open the event on.</param>
    /// <param name="wakeupEvents">Samples between wake-ups.</param>
    /// <param name="wakeupWatermark">Bytes waiting before a wake-up; 0 to count samples instead.</param>
    public static PerfEventFd OpenBpfOutput(int cpu, uint wakeupEvents = 1, uint wakeupWatermark = 0, string? what = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        var attr = new PerfEventAttr
        {
            Type = PerfEventAttr.PERF_TYPE_SOFTWARE,
            AttrSize = PerfEventAttr.Size,
            Config = PerfEventAttr.PERF_COUNT_SW_BPF_OUTPUT,
            SamplePeriod = 1,
            SampleType = PerfEventAttr.PERF_SAMPLE_RAW,
            Flags = wakeupWatermark > 0 ? PerfEventAttr.FlagWatermark : 0,
            WakeupEventsOrWatermark = wakeupWatermark > 0 ? wakeupWatermark : Math.Max(1, wakeupEvents),
        };
        int fd = LibC.PerfEventOpen(&attr, -1, cpu, -1, LibC.PERF_FLAG_FD_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new BpfSyscallException(null, "perf_event_open", errno, $"the BPF output event of CPU {cpu}{(what is null ? "" : " for " + what)}", null, errno switch
            {
                SyscallErrno.EPERM or SyscallErrno.EACCES => "Run as root or grant CAP_PERFMON (or CAP_SYS_ADMIN); kernel.perf_event_paranoid may forbid perf events for this user.",
                SyscallErrno.ENODEV or SyscallErrno.ENXIO => $"CPU {cpu} is offline or does not exist.",
                SyscallErrno.ENOENT or SyscallErrno.EINVAL or SyscallErrno.EOPNOTSUPP => "This kernel has no PERF_COUNT_SW_BPF_OUTPUT (Linux 4.4 or later with CONFIG_PERF_EVENTS is needed).",
                SyscallErrno.EMFILE or SyscallErrno.ENFILE => "The process is out of file descriptors: dispose readers you no longer need, or raise RLIMIT_NOFILE.",
                _ => null,
            });
        }
        return new PerfEventFd(fd, cpu);
    }

    /// <summary>PERF_EVENT_IOC_ENABLE: samples are written again.</summary>
    public void Enable() => Ioctl(LibC.PERF_EVENT_IOC_ENABLE, "PERF_EVENT_IOC_ENABLE");

    /// <summary>PERF_EVENT_IOC_DISABLE: bpf_perf_event_output on this CPU fails with ENOENT until enabled again.</summary>
    public void Disable() => Ioctl(LibC.PERF_EVENT_IOC_DISABLE, "PERF_EVENT_IOC_DISABLE");

    private void Ioctl(nuint request, string name)
    {
        using var lease = new FdLease(this);
        if (LibC.Ioctl(lease.Fd, request, 0) < 0)
            throw BpfErrors.FromPosix($"ioctl({name})", Marshal.GetLastPInvokeError(), $"the perf event of CPU {Cpu}");
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
