using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>
/// `ebpf events MAP`: records of tests/fixtures/events.c (XDP programs driven by BPF_PROG_TEST_RUN on a pinned CPU,
/// so the per-CPU sequence numbers are 0, 1, 2, ...) read by the command and compared byte for byte with what the
/// program wrote: a header (u64 seq, u32 cpu, u32 size) and the word at offset o being seq * 0x100000001 + o.
/// </summary>
public sealed class EventsCommandTests : IDisposable
{
    private const int Cpu = 0;
    private static readonly uint[] Sizes = [16, 20, 100, 333, 1000, 64, 17, 256];

    private readonly BpfObject _bpf = BpfObject.Load(Fixtures.Path("events"));
    private readonly string _pinDir = $"/sys/fs/bpf/ebpf-cli-events-{Guid.NewGuid():N}";

    public EventsCommandTests() => Directory.CreateDirectory(_pinDir);

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_pinDir)) File.Delete(f);
        Directory.Delete(_pinDir);
        _bpf.Dispose();
    }

    private string Pin(string map)
    {
        var path = Path.Combine(_pinDir, map);
        _bpf.Maps[map].Pin(path);
        return path;
    }

    /// <summary>The bytes events.c writes for record <paramref name="seq"/> of <paramref name="size"/> bytes on <see cref="Cpu"/>.</summary>
    private static byte[] Expected(ulong seq, uint size)
    {
        var words = new byte[(size + 7) / 8 * 8];
        BitConverter.TryWriteBytes(words.AsSpan(0), seq);
        BitConverter.TryWriteBytes(words.AsSpan(8), (uint)Cpu);
        BitConverter.TryWriteBytes(words.AsSpan(12), size);
        for (int o = 16; o < words.Length; o += 8)
            BitConverter.TryWriteBytes(words.AsSpan(o), seq * 0x100000001UL + (ulong)o);
        return words[..(int)size];
    }

    /// <summary>The test-run packet of events.c: the record size, then flags (none).</summary>
    private static byte[] Command(uint size)
    {
        var command = new byte[64];
        BitConverter.TryWriteBytes(command.AsSpan(0), size);
        return command;
    }

    /// <summary>Runs <paramref name="work"/> on a thread that may only run on <see cref="Cpu"/> (BPF_PROG_TEST_RUN runs the program there).</summary>
    private static T RunOnCpu<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                CpuList.SetCurrentThreadAffinity(Cpu);
                result = work();
            }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new Exception("the pinned producer failed", failure);
        return result;
    }

    /// <summary>Runs a program of events.c <paramref name="count"/> times on <see cref="Cpu"/>, with the sizes in turn.</summary>
    private void Produce(string program, int count, int first = 0) => RunOnCpu(() =>
    {
        for (int i = first; i < first + count; i++)
            Assert.Equal(2u /* XDP_PASS: submitted */, _bpf.Programs[program].TestRun(Command(Sizes[i % Sizes.Length])).ReturnValue);
        return 0;
    });

    /// <summary>Checks the NDJSON lines: seq 0.., the length and every byte (perf samples: padded by the kernel to 8 bytes with their size field).</summary>
    private static void AssertRecords(string ndjson, int count, bool perf = false)
    {
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(count, lines.Length);
        for (int i = 0; i < count; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var record = doc.RootElement;
            Assert.Equal(["seq", "length", "data"], record.EnumerateObject().Select(p => p.Name));
            uint size = Sizes[i % Sizes.Length];
            var data = Convert.FromHexString(record.GetProperty("data").GetString()!);
            Assert.Equal(i, record.GetProperty("seq").GetInt64());
            Assert.Equal(data.Length, record.GetProperty("length").GetInt32());
            if (perf)
            {
                Assert.Equal((int)((size + 4 + 7) / 8 * 8 - 4), data.Length);
                Assert.Equal(Expected((ulong)i, size), data[..(int)size]);
            }
            else
            {
                Assert.Equal(Expected((ulong)i, size), data);
            }
        }
    }

    [KernelFact]
    public void Ring_buffer_by_pinned_path_prints_every_record_as_json()
    {
        var path = Pin("rb");
        Produce("ringbuf_produce", 12);
        var (code, output, error) = CliRunner.Run("events", path, "--json", "--count", "12", "--timeout", "10");
        Assert.True(code == 0, error);
        AssertRecords(output, 12);
        Assert.Contains($"12 records read from ring buffer map {_bpf.Maps["rb"].Info.Id} 'rb' (12 requested)", error);
    }

    [KernelFact]
    public void Ring_buffer_by_id_waits_for_records_that_come_later_and_leaves_the_rest_in_the_ring()
    {
        uint id = _bpf.Maps["rb"].Info.Id;
        var run = Task.Run(() => CliRunner.Run("events", id.ToString(), "--json", "--count", "10", "--timeout", "20"));
        Produce("ringbuf_produce", 4);
        Thread.Sleep(300); // the command has read these and waits for more
        Produce("ringbuf_produce", 8, first: 4);
        var (code, output, error) = run.GetAwaiter().GetResult();
        Assert.True(code == 0, error);
        AssertRecords(output, 10);

        // Records 10 and 11 stayed in the ring: the next reader starts with them.
        using var reader = _bpf.Maps["rb"].AsRingBuffer();
        var seqs = new List<ulong>();
        reader.Consume(r => seqs.Add(BitConverter.ToUInt64(r)));
        Assert.Equal([10UL, 11UL], seqs);
    }

    [KernelFact]
    public void Text_output_is_one_line_per_record_in_8_byte_words_with_ascii()
    {
        var path = Pin("rb");
        Produce("ringbuf_produce", 2);
        var (code, output, error) = CliRunner.Run("events", path, "--count", "2", "--timeout", "10");
        Assert.True(code == 0, error);
        var lines = output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("#0 16 bytes: 0000000000000000 0000000010000000  |................|", lines[0]);
        // 20 bytes: header of seq 1, then the word 0x100000001 + 16 = 11 00 00 00 01 00 00 00, cut at 4 bytes.
        Assert.Equal("#1 20 bytes: 0100000000000000 0000000014000000 11000000  |....................|", lines[1]);
    }

    [KernelFact]
    public void Perf_event_array_prints_records_that_come_while_it_reads()
    {
        var path = Pin("events");
        var stderr = new LockedWriter();
        var stdout = new LockedWriter();
        var run = Task.Run(() => Program.Run(["events", path, "--json", "--count", "8", "--timeout", "20"], stdout, stderr));
        // The perf events exist only while the command reads: produce once it says it does.
        Assert.True(SpinWait.SpinUntil(() => stderr.Text.Contains("reading perf event array map"), 10_000), stderr.Text);
        Produce("perf_produce", 8);
        int code = run.GetAwaiter().GetResult();
        Assert.True(code == 0, stderr.Text);
        AssertRecords(stdout.Text, 8, perf: true);
        Assert.Contains($"8 records read from perf event array map {_bpf.Maps["events"].Info.Id} 'events', 0 lost (8 requested)", stderr.Text);
        // Ending removed its perf events from the map again: the program's output now fails (XDP_TX), as before the command ran.
        Assert.Equal(3u, RunOnCpu(() => _bpf.Programs["perf_produce"].TestRun(Command(16)).ReturnValue));
    }

    [KernelFact]
    public void A_map_of_another_kind_is_an_error_naming_its_kind_and_what_events_reads()
    {
        var path = Pin("stats");
        foreach (var name in new[] { path, _bpf.Maps["stats"].Info.Id.ToString() })
        {
            var (code, output, error) = CliRunner.Run("events", name, "--count", "1", "--timeout", "1");
            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.StartsWith($"error: map {_bpf.Maps["stats"].Info.Id} 'stats' ({name}) is an array map: `ebpf events` reads ringbuf", error);
            Assert.Contains("perf_event_array", error);
            Assert.DoesNotContain("   at ", error);
        }
        Assert.Contains("no map with id 4000000000", CliRunner.Run("events", "4000000000").Err);
    }

    [KernelFact]
    public void Fewer_records_than_count_within_the_timeout_is_exit_1_after_printing_them()
    {
        var path = Pin("rb");
        Produce("ringbuf_produce", 2);
        var (code, output, error) = CliRunner.Run("events", path, "--json", "--count", "5", "--timeout", "0.5");
        Assert.Equal(1, code);
        AssertRecords(output, 2);
        Assert.Contains("2 of 5 records came within the timeout of 0.5 s", error);

        // Without --count the timeout just ends reading.
        (code, _, error) = CliRunner.Run("events", path, "--timeout", "0.2");
        Assert.True(code == 0, error);
        Assert.Contains("0 records read", error);
    }

    [KernelFact]
    public void Ctrl_c_ends_the_command_with_exit_0_and_a_summary()
    {
        var path = Pin("rb");
        var dll = typeof(Program).Assembly.Location;
        using var p = Process.Start(new ProcessStartInfo("dotnet", [dll, "events", path, "--json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            string Out() { lock (stdout) return stdout.ToString(); }
            string Err() { lock (stderr) return stderr.ToString(); }
            Assert.True(SpinWait.SpinUntil(() => Err().Contains("Ctrl+C to stop"), 30_000), Err());
            Produce("ringbuf_produce", 3);
            Assert.True(SpinWait.SpinUntil(() => Out().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 3, 10_000), Out() + Err());
            using (var kill = Process.Start("kill", ["-INT", p.Id.ToString()])) kill.WaitForExit();
            Assert.True(p.WaitForExit(10_000), "the command did not end on SIGINT");
            p.WaitForExit(); // the redirected streams are drained
            Assert.Equal(0, p.ExitCode);
            AssertRecords(Out(), 3);
            Assert.Contains($"3 records read from ring buffer map {_bpf.Maps["rb"].Info.Id} 'rb' (interrupted)", Err());
            Assert.DoesNotContain("   at ", Err());
        }
        finally
        {
            if (!p.HasExited) p.Kill();
        }
    }

    /// <summary>A writer the command writes on one thread while the test reads it on another.</summary>
    private sealed class LockedWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) { lock (_text) _text.Append(value); }
        public override void Write(string? value) { lock (_text) _text.Append(value); }
        public override void Write(char[] buffer, int index, int count) { lock (_text) _text.Append(buffer, index, count); }
        public override void WriteLine(string? value) { lock (_text) _text.Append(value).Append('\n'); }
        public string Text { get { lock (_text) return _text.ToString(); } }
    }
}
