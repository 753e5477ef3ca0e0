using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Tracing;

/// <summary>
/// The real trace pipe: a clang program's bpf_printk line, run by this thread through BPF_PROG_TEST_RUN, arrives
/// with this thread's id and comm. The pipe is machine-wide and consuming, so the tests run one after another
/// (one class) and pick their own lines out by a random marker.
/// </summary>
public class TracePipeTests
{
    private static byte[] Frame(ulong marker)
    {
        var frame = new byte[64]; // 14 bytes of Ethernet header, then the marker the program prints
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(14), marker);
        return frame;
    }

    private static async Task<TraceRecord> FirstAsync(IAsyncEnumerable<TraceRecord> records, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await foreach (var r in records.WithCancellation(cts.Token)) return r;
        throw new InvalidOperationException("the trace pipe ended");
    }

    [KernelFact]
    public async Task A_bpf_printk_line_arrives_with_this_threads_pid_comm_and_message()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("trace_printk"));
        ulong marker = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        string expected = $"ebpf-trace {marker}: with spaces, dashes - and colons: x";
        using var pipe = TracePipe.Open(new TracePipeOptions { Filter = r => r.Message == expected });
        int tid = TracePipe.CurrentThreadId();
        string comm = File.ReadAllText("/proc/thread-self/comm").TrimEnd('\n');

        var first = FirstAsync(pipe.ReadAllAsync(), TimeSpan.FromSeconds(10));
        Assert.Equal(2u, bpf.Programs["print_marker"].TestRun(Frame(marker)).ReturnValue); // XDP_PASS, on this thread
        var record = await first;

        Assert.Equal(tid, record.Pid);
        Assert.Contains(record.Task, new[] { comm, "<...>" }); // "<...>" when the kernel's comm cache did not keep this thread's
        Assert.True(record.IsBpfPrintk);
        Assert.Equal(expected, record.Message);
        Assert.InRange(record.Cpu, 0, Environment.ProcessorCount - 1);
        Assert.True(record.Timestamp > TimeSpan.Zero);
    }

    [KernelFact]
    public async Task Pid_and_current_process_filters_keep_this_process_lines_and_drop_others()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("trace_printk"));
        ulong ours = (ulong)Random.Shared.NextInt64(1, long.MaxValue), theirs = ours ^ 0x5555;
        var mine = new TracePipeOptions { CurrentProcessOnly = true, Filter = r => r.Message.StartsWith("ebpf-trace ") };
        var pipe = TracePipe.Open(mine);

        // Another process runs the same program first (bpftool, through the pinned program); its line must not come through.
        string pin = $"/sys/fs/bpf/ebpf-test-trace-{Guid.NewGuid():n}"[..40];
        string packet = Path.GetTempFileName();
        try
        {
            bpf.Programs["print_marker"].Pin(pin);
            File.WriteAllBytes(packet, Frame(theirs));
            using (var bpftool = Process.Start(new ProcessStartInfo("bpftool", ["prog", "run", "pinned", pin, "data_in", packet]) { RedirectStandardOutput = true })!)
            {
                await bpftool.WaitForExitAsync();
                Assert.Equal(0, bpftool.ExitCode);
            }
            // Run on a thread that lives until the line is read: the filter looks the line's thread id up in
            // /proc/self/task, where a thread that has exited is no longer found (an await here could end a
            // long-running test thread before the reader sees its line).
            var first = FirstAsync(pipe.ReadAllAsync(), TimeSpan.FromSeconds(10));
            using var read = new ManualResetEventSlim();
            var runner = new Thread(() => { bpf.Programs["print_marker"].TestRun(Frame(ours)); read.Wait(TimeSpan.FromSeconds(15)); });
            runner.Start();
            try
            {
                var record = await first;
                Assert.StartsWith($"ebpf-trace {ours}:", record.Message);
            }
            finally
            {
                read.Set();
                runner.Join();
            }
        }
        finally
        {
            pipe.Dispose();
            File.Delete(pin);
            File.Delete(packet);
        }

        // The pid set filter: a set without this thread lets nothing of this thread's through. (The first reader is
        // closed: this kernel lets one reader at a time open trace_pipe.)
        using var others = TracePipe.Open(new TracePipeOptions { Pids = new HashSet<int> { -1 } });
        bpf.Programs["print_marker"].TestRun(Frame(ours + 1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FirstAsync(others.ReadAllAsync(), TimeSpan.FromMilliseconds(500)));
    }

    [KernelFact]
    public async Task Cancelling_a_read_that_waits_for_lines_returns_within_100_ms()
    {
        using var pipe = TracePipe.Open(new TracePipeOptions { Filter = _ => false }); // nothing ever comes through
        // The best of three tries: late every time is ours, one late try while other test assemblies load the CPUs is not.
        var sw = new Stopwatch();
        var late = new List<long>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            using var cts = new CancellationTokenSource();
            var reading = Task.Run(async () =>
            {
                await foreach (var _ in pipe.ReadAllAsync(cts.Token)) { }
            });
            await Task.Delay(300); // the reading thread is in poll(2) by now
            Assert.False(reading.IsCompleted);
            sw.Restart();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
            if (sw.ElapsedMilliseconds < 100) break;
            late.Add(sw.ElapsedMilliseconds);
        }
        Assert.True(late.Count < 3, $"cancellation took {string.Join(", ", late)} ms in three tries");

        // The reader can be enumerated again after a cancelled enumeration, and Dispose ends a waiting one.
        var again = Task.Run(async () =>
        {
            await foreach (var _ in pipe.ReadAllAsync()) { }
        });
        await Task.Delay(300);
        sw.Restart();
        pipe.Dispose();
        await again.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(sw.ElapsedMilliseconds < 100, $"ending on Dispose took {sw.ElapsedMilliseconds} ms");
    }

    [KernelFact]
    public void A_second_open_reader_is_refused_with_who_holds_the_pipe()
    {
        using var pipe = TracePipe.Open();
        var e = Assert.Throws<BpfException>(() => TracePipe.Open());
        Assert.Contains("one reader at a time", e.Message);
        Assert.Contains($"pid {Environment.ProcessId}", e.Message);
    }

    [KernelFact]
    public void Two_enumerations_at_once_are_refused()
    {
        using var pipe = TracePipe.Open(new TracePipeOptions { Filter = _ => false });
        using var cts = new CancellationTokenSource();
        var e1 = pipe.ReadAllAsync(cts.Token).GetAsyncEnumerator();
        var first = e1.MoveNextAsync();
        var e2 = pipe.ReadAllAsync(cts.Token).GetAsyncEnumerator();
        Assert.Throws<InvalidOperationException>(() => e2.MoveNextAsync().AsTask().GetAwaiter().GetResult());
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => first.AsTask().GetAwaiter().GetResult());
        e1.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
