using Ebpf.Compiler.CodeGen;
using Ebpf.Object.Logs;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// The log lines of one object's programs: the ring buffer they write to, and the sites (template, values, source line) that
/// the object carries in .ebpf.logs. A function's sites join <see cref="Sites"/> only when it compiled, so restarts of the
/// lowering leave no stale ids.
/// </summary>
internal sealed class LogLines
{
    /// <summary>Bytes of the log ring buffer: a power of two and a multiple of the page size.</summary>
    public const int BufferSize = 256 * 1024;

    public MapInfo Map { get; } = new(LogSiteTable.MapName, Ebpf.Kernel.MapType.RingBuf, 0, 0, BufferSize, 0);

    public List<LogSite> Sites { get; } = [];
}
