using Ebpf.Kernel;

namespace Ebpf.Kernel.Tests;

/// <summary>Log.X($"...") run as plain .NET: lines go to ManagedKernel.Logs, where a test asserts on what a program logged.</summary>
public class LogTests
{
    private enum Action : byte { Pass, Drop }

    private static void Program(uint address, ushort port, Action action)
    {
        Log.Debug($"looking at {address:ipv4}");
        Log.Information($"{action} to {address:ipv4} port {port} ({port:x4}) {{literal}}");
        Log.Error($"never {port}");
    }

    [Fact]
    public void A_managed_run_logs_template_message_and_typed_values_to_the_current_kernel()
    {
        var kernel = new ManagedKernel { MinimumLogLevel = BpfLogLevel.Information };
        using (ManagedKernel.Use(kernel))
            Program(0x0100007f, 443, Action.Drop);
        Assert.Equal([BpfLogLevel.Information, BpfLogLevel.Error], kernel.Logs.Select(l => l.Level)); // Debug is below the minimum
        var line = kernel.Logs[0];
        Assert.Equal("{action} to {address:ipv4} port {port} ({port2:x4}) {{literal}}", line.Template);
        Assert.Equal("Drop to 127.0.0.1 port 443 (01bb) {literal}", line.Message);
        Assert.Equal(["action", "address", "port", "port2"], line.Values.Select(v => v.Key));
        Assert.Equal(Action.Drop, line.Values[0].Value);
        Assert.Equal((ushort)443, line.Values[2].Value);
        Assert.Equal(nameof(Program), line.Member);
        Assert.EndsWith("LogTests.cs", line.File);
        Assert.DoesNotContain(ManagedKernel.Default.Logs, l => l.Message.Contains("127.0.0.1 port 443")); // the test's own kernel took them
    }

    [Theory]
    [InlineData("skb.RemotePort", 0, "RemotePort")]
    [InlineData("port", 1, "port")]
    [InlineData("@event", 0, "event")]
    [InlineData("a + b", 3, "value3")]
    [InlineData("Foo()", 2, "value2")]
    public void Value_names_come_from_the_expression(string expression, int position, string name) =>
        Assert.Equal(name, LogTemplate.ValueName(expression, position, []));
}
