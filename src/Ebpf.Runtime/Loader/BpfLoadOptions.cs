using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf;

/// <summary>How <see cref="BpfObject.Load(string, BpfLoadOptions?)"/> loads an object.</summary>
public sealed class BpfLoadOptions
{
    /// <summary>Only these programs are loaded (by function name); null loads every program (but those with <see cref="ProgramOptions.AutoLoad"/> false).</summary>
    public IReadOnlyCollection<string>? Programs { get; set; }

    /// <summary>
    /// Verifier log level for successful loads (0 = none, 1 = basic, 2 = every instruction). A refused
    /// program is always reloaded with level 1 so the exception carries the log.
    /// </summary>
    public uint LogLevel { get; set; }

    /// <summary>
    /// The BTF that CO-RE relocations are resolved against instead of the running kernel's /sys/kernel/btf/vmlinux: a
    /// raw BTF file (another kernel's vmlinux BTF, for example), as libbpf's btf_custom_path.
    /// </summary>
    public string? CoreTargetBtfPath { get; set; }

    /// <summary>Directory (on bpffs) for maps declared with LIBBPF_PIN_BY_NAME: reused when pinned there, pinned there when new.</summary>
    public string? PinDirectory { get; set; }

    /// <summary>
    /// The BTF features to assume instead of probing the running kernel: BTF is rewritten for what is missing
    /// (as libbpf sanitizes it), and without <see cref="BtfSupport.BtfFeatures.Functions"/> programs load without func_info and line_info.
    /// </summary>
    public BtfSupport.BtfFeatures? BtfFeatures { get; set; }

    internal Dictionary<string, MapOptions> MapSettings { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, ProgramOptions> ProgramSettings { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The settings of map <paramref name="name"/>, changed before the map is created:
    /// <c>options.Map("events").MaxEntries = 4096</c>. The same object on every call; a name the object does not have fails the load.
    /// </summary>
    public MapOptions Map(string name)
    {
        if (!MapSettings.TryGetValue(name, out var settings))
            MapSettings[name] = settings = new MapOptions(name);
        return settings;
    }

    /// <summary>
    /// The settings of program <paramref name="name"/> (its function name), changed before it is loaded:
    /// <c>options.Program("handler").AttachTarget("do_unlinkat")</c>, <c>.AutoLoad = false</c>.
    /// </summary>
    public ProgramOptions Program(string name)
    {
        if (!ProgramSettings.TryGetValue(name, out var settings))
            ProgramSettings[name] = settings = new ProgramOptions(name);
        return settings;
    }

    internal Dictionary<string, byte[]> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The lowest level of the lines C# programs log with <c>Log.Information($"...")</c> and the like (not the verifier's
    /// <see cref="LogLevel"/>): lines below it are dead code to the verifier, which removes them, so they cost nothing.
    /// Null keeps the object's default (every level). Objects without log lines ignore it.
    /// </summary>
    public Microsoft.Extensions.Logging.LogLevel? MinimumLogLevel { get; set; }

    /// <summary>
    /// Sets a global variable (.rodata, .data or .bss) before load: constants in .rodata are then
    /// seen by the verifier, which can prune dead branches. The size of T must equal the variable's.
    /// </summary>
    public BpfLoadOptions SetVariable<T>(string name, T value) where T : unmanaged
    {
        var bytes = new byte[Unsafe.SizeOf<T>()]; // T as laid out in memory and by the compiler, not as marshalled
        MemoryMarshal.Write(bytes, in value);
        Variables[name] = bytes;
        return this;
    }

    /// <summary>Sets a global variable from raw bytes (arrays, strings, structs laid out by hand).</summary>
    public BpfLoadOptions SetVariable(string name, ReadOnlySpan<byte> value)
    {
        Variables[name] = value.ToArray();
        return this;
    }
}
