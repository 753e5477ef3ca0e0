using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace EbpfExecTrace.Tests;

// The ring buffer is static: the tests of this one class run one after another, each starting from an empty buffer.
public unsafe class ExecProgramTests
{
    public ExecProgramTests() => ExecProgram.Events.Clear();

    [Fact]
    public void An_exec_sends_one_event_with_the_pid_user_and_command()
    {
        // The helpers' answers (user, command name) come from the managed kernel the test sets up.
        using var kernel = ManagedKernel.Use(new ManagedKernel { Uid = 1000, Comm = "cat" });
        var record = TracepointRecord<SchedProcessExec>.ForTest(new SchedProcessExec { pid = 4242, old_pid = 4242 });

        Assert.Equal(0, ExecProgram.OnExec(record.Pointer));

        Assert.True(ExecProgram.Events.TryRead<ExecEvent>(out var e));
        Assert.Equal((4242u, 1000u, "cat"), (e.Pid, e.Uid, Marshal.PtrToStringUTF8((nint)e.Comm)));
        Assert.False(ExecProgram.Events.TryRead<ExecEvent>(out _));
    }

    [Fact]
    public void Every_exec_is_one_event_in_order()
    {
        using var kernel = ManagedKernel.Use(new ManagedKernel());
        for (var pid = 1; pid <= 3; pid++)
            ExecProgram.OnExec(TracepointRecord<SchedProcessExec>.ForTest(new SchedProcessExec { pid = pid }).Pointer);

        var pids = new List<uint>();
        while (ExecProgram.Events.TryRead<ExecEvent>(out var e))
            pids.Add(e.Pid);
        Assert.Equal([1u, 2u, 3u], pids);
    }
}
