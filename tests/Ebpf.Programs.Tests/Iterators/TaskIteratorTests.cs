using System.Diagnostics;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Iterators;

[Collection(AttachKindsCollection.Name)]
public class TaskIteratorTests
{
    private static Process StartSleeper() =>
        Process.Start(new ProcessStartInfo("sleep", "30") { RedirectStandardOutput = true })!;

    private static void Stop(Process p)
    {
        p.Kill();
        p.WaitForExit();
        p.Dispose();
    }

    [KernelFact]
    public void A_task_iterator_lists_a_process_the_test_started()
    {
        var sleeper = StartSleeper();
        try
        {
            using var bpf = BpfObject.Load(Fixtures.Path("iter_task"));
            using var link = bpf.Programs["list_tasks"].AsIterator().Attach();
            var lines = link.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains($"{sleeper.Id} {sleeper.Id} sleep", lines);
            Assert.Contains(lines, l => l.StartsWith($"{Environment.ProcessId} ")); // and this process, so it walked them all
        }
        finally
        {
            Stop(sleeper);
        }
    }

    [KernelFact]
    public async Task A_task_iterator_for_one_process_yields_only_its_threads_as_lines()
    {
        var sleeper = StartSleeper();
        try
        {
            using var bpf = BpfObject.Load(Fixtures.Path("iter_task"));
            using var link = bpf.Programs["list_tasks"].AsIterator().Attach(IteratorTarget.Process(sleeper.Id));
            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await foreach (var line in link.ReadLinesAsync(timeout.Token))
                lines.Add(line);
            Assert.Equal([$"{sleeper.Id} {sleeper.Id} sleep"], lines);
        }
        finally
        {
            Stop(sleeper);
        }
    }

    [KernelFact]
    public void A_pinned_iterator_reads_as_a_file_and_each_open_is_a_new_run()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("iter_task"));
        var pin = $"/sys/fs/bpf/ebpf-test-iter-{Guid.NewGuid():n}";
        using (var link = bpf.Programs["list_tasks"].AsIterator().Attach(IteratorTarget.Process(Environment.ProcessId)))
        {
            link.Pin(pin);
            var id = link.Info.Id;
            try
            {
                // Threads of this process only: the test runner's own pid as tgid on every line.
                var text = File.ReadAllText(pin);
                Assert.NotEmpty(text);
                Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith($"{Environment.ProcessId} ", l));
                var sleeper = StartSleeper();
                try
                {
                    Assert.DoesNotContain($"{sleeper.Id} ", link.ReadToEnd()); // another process is not in this target
                }
                finally
                {
                    Stop(sleeper);
                }
            }
            finally
            {
                File.Delete(pin);
            }
            link.Dispose();
            Assert.False(BpfLinks.Exists(id), "the iterator link outlived Dispose and its pin's removal");
        }
    }

    [KernelFact]
    public void Attach_and_dispose_a_thousand_times_leaks_no_descriptor_and_no_link()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("iter_task"));
        var iterator = bpf.Programs["list_tasks"].AsIterator();
        uint lastId = 0;
        LeakCheck.NoFdLeak(1000, () =>
        {
            using var link = iterator.Attach(IteratorTarget.Thread(Environment.ProcessId)); // the main thread's tid is the pid
            lastId = link.Info.Id;
            using var run = link.Open();
            Span<byte> buffer = stackalloc byte[256];
            Assert.True(run.Read(buffer) > 0);
        });
        Assert.False(BpfLinks.Exists(lastId));
    }

    [KernelFact]
    public void A_program_of_another_kind_is_refused_with_the_method_that_fits()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("trace_printk"));
        var e = Assert.Throws<BpfException>(() => bpf.Programs["print_marker"].AsIterator());
        Assert.Contains("print_marker", e.Message);
        Assert.Contains("iter/KIND", e.Message);
    }
}
