using System.Diagnostics;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Cli.Tests.Kernel;

/// <summary>ebpf attach iter / netns / netfilter, each on clang fixtures, in namespaces the tests make.</summary>
public class KindAttachCommandTests
{
    private static string Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {output}");
        return output;
    }

    private sealed class Netns : IDisposable
    {
        public readonly string Name = "ebpf-cli-" + Guid.NewGuid().ToString("n")[..8];
        public Netns() { Run("ip", "netns", "add", Name); Run("ip", "netns", "exec", Name, "ip", "link", "set", "lo", "up"); }

        /// <summary>A TCP connection to 127.0.0.1:9 in the namespace, where nothing listens: "refused" or "timeout" (one SYN, dropped).</summary>
        public string Connect() => Run("ip", "netns", "exec", Name, "python3", "-c", """
            import socket
            s = socket.socket(); s.settimeout(0.5)
            try:
                s.connect(('127.0.0.1', 9)); print('connected')
            except ConnectionRefusedError: print('refused')
            except socket.timeout: print('timeout')
            """).Trim();

        public void Dispose() { try { Run("ip", "netns", "delete", Name); } catch (InvalidOperationException) { } }
    }

    [KernelFact]
    public void Attach_iter_prints_one_run_of_the_iterator_for_the_process_given()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { RedirectStandardOutput = true })!;
        try
        {
            var r = CliRunner.Run("attach", "iter", Fixtures.Path("iter_task"), "--program", "list_tasks", "--pid", sleeper.Id.ToString());
            Assert.True(r.ExitCode == 0, r.Err);
            Assert.Equal($"{sleeper.Id} {sleeper.Id} sleep\n", r.Out);
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }

    [KernelFact]
    public void Attach_netfilter_with_a_pin_drops_at_local_in_of_the_namespace_until_detached()
    {
        using var ns = new Netns();
        var pin = $"/sys/fs/bpf/ebpf-cli-nf-{Guid.NewGuid():n}";
        try
        {
            Assert.Equal("refused", ns.Connect());
            var r = CliRunner.Run("attach", "netfilter", Fixtures.Path("netfilter"), "--program", "drop_all", "--family", "ipv4",
                "--hook", "local-in", "--priority", "-128", "--netns", ns.Name, "--pin", pin);
            Assert.True(r.ExitCode == 0, r.Err);
            Assert.Contains($"pinned at {pin}", r.Out);
            Assert.Equal("timeout", ns.Connect());
            Assert.Equal(0, CliRunner.Run("detach", pin).ExitCode);
            Assert.Equal("refused", ns.Connect());
        }
        finally
        {
            File.Delete(pin);
        }
    }

    [KernelFact]
    public void Attach_netns_pins_an_sk_lookup_link_in_the_namespace_and_refuses_other_kinds()
    {
        using var ns = new Netns();
        var pin = $"/sys/fs/bpf/ebpf-cli-netns-{Guid.NewGuid():n}";
        try
        {
            var r = CliRunner.Run("attach", "netns", Fixtures.Path("sk_lookup"), "--program", "steer", "--netns", ns.Name, "--pin", pin);
            Assert.True(r.ExitCode == 0, r.Err);
            using (var link = BpfSyscall.ObjGetLink(pin))
            {
                var info = BpfSyscall.GetLinkInfo(link);
                Assert.Equal(BpfLinkType.Netns, info.Type);
            }
            Assert.Equal(0, CliRunner.Run("detach", pin).ExitCode);

            var wrong = CliRunner.Run("attach", "netns", Fixtures.Path("netfilter"), "--program", "drop_all", "--netns", ns.Name);
            Assert.Equal(1, wrong.ExitCode);
            Assert.Contains("sk_lookup and flow_dissector", wrong.Err);
        }
        finally
        {
            File.Delete(pin);
        }
    }
}
