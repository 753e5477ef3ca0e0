using Microsoft.Extensions.Logging;

namespace Ebpf.Hosting;

/// <summary>
/// One object the host loads, named by its registration (<c>services.AddEbpf("traffic", ...)</c>, or a child of the
/// configuration section given to <c>AddEbpf(section)</c>): where it comes from and what its programs attach to.
/// <code>
/// "Ebpf": { "traffic": { "Type": "TrafficMonitor.TrafficProgram, TrafficMonitor",
///                        "Attach": [ { "Program": "Ingress", "Kind": "Cgroup", "Target": "/sys/fs/cgroup/web" } ] } }
/// </code>
/// </summary>
public sealed class BpfObjectOptions
{
    /// <summary>An object file (from the C# compiler, clang or rustc). Set this or <see cref="Type"/>.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// The assembly-qualified name of a C# class of programs whose object <c>dotnet build</c> embedded
    /// ("Namespace.Class, Assembly"); <c>AddEbpf&lt;TPrograms&gt;()</c> sets it.
    /// </summary>
    public string? Type { get; set; }

    /// <summary>What each program attaches to, in order; detached in reverse order when the host stops.</summary>
    public List<BpfAttachOptions> Attach { get; set; } = [];

    /// <summary>Hands the lines the programs log (<c>Log.Information($"...")</c>) to the host's loggers, category "Ebpf.Programs.&lt;program&gt;".</summary>
    public bool ForwardLogs { get; set; } = true;

    /// <summary>The lowest level the programs' log lines keep (lines below it are removed at load).</summary>
    public LogLevel? MinimumLogLevel { get; set; }

    /// <summary>Maps to pin under this bpffs directory (as BpfLoadOptions.PinDirectory).</summary>
    public string? PinDirectory { get; set; }

    /// <summary>
    /// False (the default): a load or attach failure stops the host from starting. True: the host starts anyway, the failure is
    /// logged and the health check reports it (for agents that should stay up and say what is wrong).
    /// </summary>
    public bool ContinueOnError { get; set; }

    /// <summary>The name of the meter of this object's map instruments; "Ebpf.&lt;object name&gt;" when not set.</summary>
    public string? MeterName { get; set; }
}
