using System.Globalization;
using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Tests;
using Microsoft.Extensions.Logging;

namespace Ebpf.Compiler.Tests;

/// <summary>Log.X($"...") in C# programs: the kernel's records, decoded in user space, are the lines the managed run logs.</summary>
public class LoggingTests
{
    private static readonly byte[] Object = ProgramCompiler.Compile(typeof(LoggingPrograms));

    private static int[] Lengths => [60, 61, 62, 63, 64, 599, 600, 601, 1000, 1003, 1400];

    [Fact]
    public void The_object_carries_each_lines_template_level_values_and_source_line()
    {
        var sites = Ebpf.Object.BpfObjectFile.Read(Object).LogSites.Sites;
        Assert.Equal(6, sites.Count);
        Assert.All(sites, s => Assert.Equal(nameof(LoggingPrograms.Report), s.Program));
        Assert.Equal(Enumerable.Range(0, 6), sites.Select(s => s.Level));
        var info = sites[2];
        Assert.Equal("packet of {length} bytes, protocol {protocol}, big={big}, delta={delta}", info.Template);
        Assert.Equal(["UInt32", "Transport", "Boolean", "Int16"], info.Values.Select(v => v.Type));
        Assert.EndsWith("LoggingPrograms.cs", info.File);
        Assert.Equal(nameof(LoggingPrograms.Report), info.Member);
        Assert.Equal("big packet {length} {{escaped}}", sites[4].Template);
        Assert.Equal("debug {length:x} {delta}", sites[1].Template);
        Assert.Equal(["value0", "value1", "value2", "value3", "value4", "value5"], sites[3].Values.Select(v => v.Name));
        Assert.True(sites.Zip(sites.Skip(1)).All(p => p.First.Line < p.Second.Line));
    }

    [KernelFact]
    public void The_kernel_logs_what_the_dotnet_run_logs_at_every_level_and_value_type()
    {
        using var bpf = BpfObject.Load(Object);
        using var logs = bpf.OpenLogs();
        var expected = new List<LogEntry>();
        foreach (var length in Lengths)
        {
            var ip = TestFrames.IPv4Packet(length);
            var kernel = new ManagedKernel();
            using (ManagedKernel.Use(kernel))
                LoggingPrograms.Report(SkBuffContext.ForTest(ip, protocol: EtherType.IPv4)); // a socket filter's skb starts at the IP header
            expected.AddRange(kernel.Logs);
            bpf.Programs[nameof(LoggingPrograms.Report)].TestRun(TestFrames.Ethernet(ip));
        }
        var decoded = new List<BpfLogRecord>();
        logs.Consume(decoded.Add);

        Assert.Equal(0, logs.Errors);
        Assert.Equal(expected.Count, decoded.Count);
        foreach (var (e, d) in expected.Zip(decoded))
        {
            Assert.Equal((int)e.Level, (int)d.Level);
            Assert.Equal(e.Template, d.Template);
            Assert.Equal(e.Message, d.Message);
            Assert.Equal(e.Values.Select(v => (v.Key, Text(v.Value))), d.Values.Select(v => (v.Key, Text(v.Value))));
            Assert.Equal((e.File, e.Line, e.Member), (d.File, d.Line, d.Member));
            Assert.Equal(nameof(LoggingPrograms.Report), d.Program);
        }
        // Every kind of value made it: unsigned, signed, wide, bool, char, enums by name, [Flags] enums.
        Assert.Contains(decoded, d => d.Message == "packet of 1003 bytes, protocol Icmp, big=True, delta=-3");
        Assert.Contains(decoded, d => d.Message == "wide 3009000000000 -1003 235 -21 1003 c");
        Assert.Contains(decoded, d => d.Message == "flags ReadWrite done by eb3");
        Assert.Contains(decoded, d => d.Message == "trace 1003 to 192.0.2.235");
        Assert.Contains(decoded, d => d.Message == "big packet 601 {escaped}");
    }

    private static string? Text(object? value) => value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString();

    [KernelFact]
    public void Lines_below_the_minimum_level_are_gone_from_the_loaded_program_and_send_nothing()
    {
        var sizes = new List<uint>();
        foreach (var minimum in new[] { LogLevel.Trace, LogLevel.Information, LogLevel.Warning, LogLevel.Critical, LogLevel.None })
        {
            using var bpf = BpfObject.Load(Object, new BpfLoadOptions { MinimumLogLevel = minimum });
            using var logs = bpf.OpenLogs();
            var program = bpf.Programs[nameof(LoggingPrograms.Report)];
            sizes.Add(program.Info.XlatedSize);
            // The program as the kernel keeps it: one bpf_ringbuf_output per line at or above the minimum, none below.
            var xlated = LlvmTools.Run("bpftool", "prog", "dump", "xlated", "id", program.Info.Id.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(Math.Max(0, 6 - (int)minimum), xlated.Split('\n').Count(l => l.Contains("call bpf_ringbuf_output")));
            program.TestRun(TestFrames.Ethernet(TestFrames.IPv4Packet(1003)));
            var levels = new List<LogLevel>();
            logs.Consume(l => levels.Add(l.Level));
            Assert.Equal(Enumerable.Range((int)minimum, Math.Max(0, 6 - (int)minimum)).Select(l => (LogLevel)l), levels);
        }
        // Each raised minimum removes the code of the lines below it: the verifier saw the level as a constant.
        Assert.True(sizes.Zip(sizes.Skip(1)).All(p => p.First > p.Second), $"xlated sizes by minimum level: {string.Join(", ", sizes)}");
    }

    [KernelFact]
    public void Forwarded_lines_reach_an_ILogger_with_level_template_and_named_values()
    {
        using var bpf = BpfObject.Load(Object);
        var logger = new ListLogger();
        using (var forwarder = bpf.ForwardLogs(logger))
        {
            bpf.Programs[nameof(LoggingPrograms.Report)].TestRun(TestFrames.Ethernet(TestFrames.IPv4Packet(1003)));
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (forwarder.Forwarded < 6 && DateTime.UtcNow < deadline) Thread.Sleep(5);
        }
        Assert.Equal(6, logger.Lines.Count);
        var info = logger.Lines.Single(l => l.Level == LogLevel.Information);
        Assert.Equal("packet of 1003 bytes, protocol Icmp, big=True, delta=-3", info.Message);
        Assert.Equal(nameof(LoggingPrograms.Report), info.EventId.Name);
        var state = info.State.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("packet of {length} bytes, protocol {protocol}, big={big}, delta={delta}", state["{OriginalFormat}"]);
        Assert.Equal(1003u, state["length"]);
        Assert.Equal("Icmp", state["protocol"]);
        Assert.Equal(true, state["big"]);
        Assert.Equal((short)-3, state["delta"]);
        Assert.EndsWith("LoggingPrograms.cs", (string)state["code.filepath"]!);
    }

    [KernelFact]
    public void Lines_a_full_buffer_refuses_are_counted_and_reported()
    {
        using var bpf = BpfObject.Load(Object);
        var logger = new ListLogger();
        using var forwarder = bpf.ForwardLogs(logger);
        const int runs = 5_000; // six lines each, about 1 MiB of records for a 256 KiB buffer
        bpf.Programs[nameof(LoggingPrograms.Report)].TestRun(TestFrames.Ethernet(TestFrames.IPv4Packet(1003)), repeat: runs);
        forwarder.Flush();
        Assert.True(forwarder.Lost > 0);
        Assert.True((ulong)(6 * runs) == (ulong)forwarder.Forwarded + forwarder.Lost, $"forwarded {forwarder.Forwarded}, lost {forwarder.Lost}, errors {forwarder.Errors}");
        var warning = Assert.Single(logger.Lines, l => l.Level == LogLevel.Warning && l.EventId.Name is null);
        Assert.StartsWith($"{forwarder.Lost} log lines of BPF programs were lost: the log buffer (262144 bytes) was full", warning.Message);
    }

    private sealed class ListLogger : ILogger
    {
        public sealed record Line(LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> State);

        public List<Line> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(new Line(logLevel, eventId, formatter(state, exception), (IReadOnlyList<KeyValuePair<string, object?>>)state!));
        }
    }
}
