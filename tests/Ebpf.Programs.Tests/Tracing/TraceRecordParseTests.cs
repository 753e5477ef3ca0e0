namespace Ebpf.Programs.Tests.Tracing;

/// <summary>trace_pipe lines as this kernel (6.18) writes them with each combination of the irq-info and record-tgid options.</summary>
public class TraceRecordParseTests
{
    [Fact]
    public void A_default_line_has_irq_flags_and_no_tgid()
    {
        var r = TraceRecord.Parse("         bpftool-5322    [001] b..11   252.702025: bpf_trace_printk: ebpf-trace 12345: with spaces, dashes - and colons: x");
        Assert.Equal("bpftool", r.Task);
        Assert.Equal(5322, r.Pid);
        Assert.Null(r.ThreadGroupId);
        Assert.Equal(1, r.Cpu);
        Assert.Equal("b..11", r.Flags);
        Assert.Equal(TimeSpan.FromTicks(252_702_025_0), r.Timestamp);
        Assert.Equal("bpf_trace_printk", r.Event);
        Assert.True(r.IsBpfPrintk);
        Assert.Equal("ebpf-trace 12345: with spaces, dashes - and colons: x", r.Message);
    }

    [Fact]
    public void Record_tgid_adds_the_process_id_in_parentheses()
    {
        var r = TraceRecord.Parse("         bpftool-5323    (   5323) [001] b..11   252.709632: bpf_trace_printk: hello\n");
        Assert.Equal((5323, 5323, 1, "b..11", "hello"), (r.Pid, r.ThreadGroupId!.Value, r.Cpu, r.Flags, r.Message));
        var unknown = TraceRecord.Parse("          <idle>-0       (-------) [000] d.h2.   100.000001: bpf_trace_printk: from irq");
        Assert.Equal(("<idle>", 0, (int?)null, "d.h2.", "from irq"), (unknown.Task, unknown.Pid, unknown.ThreadGroupId, unknown.Flags, unknown.Message));
    }

    [Theory]
    [InlineData("         bpftool-5324    (   5324) [001]    252.715757: bpf_trace_printk: no flags", 5324, 5324)]
    [InlineData("         bpftool-5325    [001]    252.722824: bpf_trace_printk: no flags", 5325, null)]
    public void Without_irq_info_the_flags_column_is_empty(string line, int pid, int? tgid)
    {
        var r = TraceRecord.Parse(line);
        Assert.Equal((pid, tgid, 1, "", "no flags"), (r.Pid, r.ThreadGroupId, r.Cpu, r.Flags, r.Message));
    }

    [Theory]
    [InlineData(" .NET TP Worker-4711    [000] ...11  1000.000100: bpf_trace_printk: m", ".NET TP Worker", 4711)]
    [InlineData("   kworker/u4:1-123     [001] d..2.    10.5: bpf_trace_printk: m", "kworker/u4:1", 123)]
    [InlineData(" my-app-with-dash-9-42  [000] .....     1.000000: bpf_trace_printk: m", "my-app-with-dash-9", 42)]
    [InlineData("          <...>-77      [003] ....    55.123456: bpf_trace_printk: m", "<...>", 77)]
    [InlineData("a b-1 c-2 [x]-300  [000] ....     1.000000: bpf_trace_printk: m", "a b-1 c-2 [x]", 300)]
    [InlineData("ProcessName-1234567 [127] b..11 123456.999999: bpf_trace_printk: m", "ProcessName", 1234567)]
    public void Comm_names_keep_their_spaces_and_dashes(string line, string task, int pid)
    {
        var r = TraceRecord.Parse(line);
        Assert.Equal((task, pid, "m"), (r.Task, r.Pid, r.Message));
    }

    [Fact]
    public void The_message_keeps_whatever_it_holds_and_may_be_empty()
    {
        Assert.Equal("[001] 1.0: bpf_trace_printk: nested", TraceRecord.Parse("  x-1 [000] ....  1.000000: bpf_trace_printk: [001] 1.0: bpf_trace_printk: nested").Message);
        Assert.Equal("", TraceRecord.Parse("  x-1 [000] ....  1.000000: bpf_trace_printk: ").Message);
        Assert.Equal("  two leading spaces", TraceRecord.Parse("  x-1 [000] ....  1.000000: bpf_trace_printk:   two leading spaces").Message);
    }

    [Fact]
    public void Other_events_parse_with_their_name()
    {
        var r = TraceRecord.Parse("          <idle>-0       [001] d..2.   301.5: sched_switch: prev_comm=swapper/1 prev_pid=0");
        Assert.Equal(("sched_switch", "prev_comm=swapper/1 prev_pid=0", false), (r.Event, r.Message, r.IsBpfPrintk));
        Assert.Equal(TimeSpan.FromSeconds(301.5), r.Timestamp);
    }

    [Theory]
    [InlineData("CPU:1 [LOST 12 EVENTS]")]
    [InlineData("continuation of a message that printed a newline")]
    [InlineData("")]
    [InlineData("  x-1 [000] ....  notatime: bpf_trace_printk: m")]
    public void Lines_that_are_not_events_do_not_parse(string line)
    {
        Assert.False(TraceRecord.TryParse(line, out _));
        Assert.Throws<BpfException>(() => TraceRecord.Parse(line));
    }
}
