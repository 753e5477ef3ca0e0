using System.Runtime.InteropServices;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// What the link-making attach verbs (iter, netns, netfilter) do with their link: pin it and return, or hold it until
/// Ctrl+C or SIGTERM and then detach.
/// </summary>
internal static class LinkHolder
{
    public static void PinOrHold(TextWriter stdout, string attached, string? pinPath, Action<string> pin, IDisposable link)
    {
        if (pinPath is not null)
        {
            pin(pinPath);
            stdout.WriteLine($"{attached} with a link pinned at {pinPath}; remove it with: ebpf detach {pinPath}");
            return;
        }
        stdout.WriteLine($"{attached}; press Ctrl+C to detach");
        using var stop = new ManualResetEventSlim();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Set(); };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        stop.Wait();
        Console.CancelKeyPress -= onCancel;
        link.Dispose();
        stdout.WriteLine("detached");
    }
}
