using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Native.Errors;

namespace Ebpf.Native;

/// <summary>The perf events BPF programs attach to: tracepoints, probes on a dynamic PMU, and sampling events.</summary>
public sealed unsafe partial class PerfEventFd
{
    /// <summary>_IOW('$', 8, __u32): gives the event a BPF program (kernels without perf links).</summary>
    private static readonly nuint PERF_EVENT_IOC_SET_BPF = RuntimeInformation.ProcessArchitecture == Architecture.Ppc64le ? 0x80042408u : 0x40042408u;

    /// <summary>
    /// A tracepoint's event (PERF_TYPE_TRACEPOINT, config = the id from tracefs events/CAT/NAME/id), for any process
    /// on one CPU: the kernel runs an attached program wherever the tracepoint fires, whatever CPU the event names.
    /// </summary>
    public static PerfEventFd OpenTracepoint(ulong id, string what, int pid = -1, int cpu = 0)
    {
        var attr = new PerfEventAttr { Type = PerfEventAttr.PERF_TYPE_TRACEPOINT, AttrSize = PerfEventAttr.Size, Config = id, SamplePeriod = 1, WakeupEventsOrWatermark = 1 };
        return Open(&attr, pid, cpu, what);
    }

    /// <summary>
    /// A kprobe or uprobe on a dynamic PMU (type from /sys/bus/event_source/devices/NAME/type): config1 points at the
    /// function (or path), config2 is the offset (or address), and the PMU's retprobe bit in config makes it a return probe.
    /// </summary>
    public static PerfEventFd OpenProbe(uint pmuType, string function, ulong offset, ulong config, string what, int pid = -1, int cpu = 0)
    {
        var name = Encoding.UTF8.GetBytes(function + "\0");
        fixed (byte* pname = name)
        {
            var attr = new PerfEventAttr
            {
                Type = pmuType, AttrSize = PerfEventAttr.Size, Config = config, Config1 = (ulong)pname, Config2 = offset,
                SamplePeriod = 1, WakeupEventsOrWatermark = 1,
            };
            return Open(&attr, pid, cpu, what);
        }
    }

    /// <summary>
    /// A sampling event (software or hardware <paramref name="type"/> and <paramref name="config"/>) that fires
    /// <paramref name="frequency"/> times a second (freq mode) or every <paramref name="period"/> events.
    /// </summary>
    public static PerfEventFd OpenSampling(uint type, ulong config, ulong frequency, ulong period, int pid, int cpu, string what)
    {
        var attr = new PerfEventAttr
        {
            Type = type, AttrSize = PerfEventAttr.Size, Config = config,
            SamplePeriod = frequency != 0 ? frequency : period,
            Flags = frequency != 0 ? PerfEventAttr.FlagFreq : 0,
        };
        return Open(&attr, pid, cpu, what);
    }

    private static PerfEventFd Open(PerfEventAttr* attr, int pid, int cpu, string what)
    {
        int fd = LibC.PerfEventOpen(attr, pid, cpu, -1, LibC.PERF_FLAG_FD_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new BpfSyscallException(null, "perf_event_open", errno, what, null, errno switch
            {
                SyscallErrno.EPERM or SyscallErrno.EACCES => "Run as root or grant CAP_PERFMON (or CAP_SYS_ADMIN); kernel.perf_event_paranoid may forbid this event for this user.",
                SyscallErrno.ENOENT or SyscallErrno.ENODEV or SyscallErrno.EOPNOTSUPP => "This kernel (or this CPU) has no such event.",
                SyscallErrno.ESRCH => $"No process or thread {pid}.",
                SyscallErrno.EMFILE or SyscallErrno.ENFILE => "The process is out of file descriptors: dispose attachments you no longer need, or raise RLIMIT_NOFILE.",
                _ => null,
            });
        }
        return new PerfEventFd(fd, cpu);
    }

    /// <summary>PERF_EVENT_IOC_SET_BPF: the program runs on every event (the way before BPF_PERF_EVENT links, Linux 5.15).</summary>
    public void SetBpf(BpfProgramFd program)
    {
        using var lease = new FdLease(this);
        using var p = new FdLease(program);
        if (LibC.Ioctl(lease.Fd, PERF_EVENT_IOC_SET_BPF, p.Fd) < 0)
            throw BpfErrors.FromPosix("ioctl(PERF_EVENT_IOC_SET_BPF)", Marshal.GetLastPInvokeError(), $"{program.Describe()} on the perf event of CPU {Cpu}");
    }
}
