using System.Text;

namespace Ebpf.Kernel;

/// <summary>
/// The context of cgroup_sysctl programs: <c>struct bpf_sysctl</c>, for a read or write of a file under /proc/sys.
/// The name and values come through helpers that copy NUL-terminated strings into a buffer the program owns
/// (a <c>stackalloc</c> span in C#): they return the length without the NUL, or -E2BIG when it did not fit
/// (the buffer then holds a truncated, NUL-terminated copy), exactly as the kernel does.
/// </summary>
[KernelStruct("bpf_sysctl", 8)]
public sealed class SysctlContext : BpfContext
{
    public static class Offsets
    {
        public const int Write = 0, FilePos = 4;
        public const int Size = 8;
    }

    /// <summary>BPF_F_SYSCTL_BASE_NAME: only the last component of the name.</summary>
    public const ulong BaseNameFlag = 1;

    private readonly byte[] _name, _current;
    private readonly byte[]? _new;

    private SysctlContext(string name, string currentValue, string? newValue) : base(Offsets.Size)
    {
        _name = Encoding.ASCII.GetBytes(name);
        _current = Encoding.ASCII.GetBytes(currentValue);
        _new = newValue is null ? null : Encoding.ASCII.GetBytes(newValue);
    }

    /// <summary>A read of <paramref name="name"/> ("net/ipv4/tcp_mem", relative to /proc/sys) when <paramref name="newValue"/> is null, else a write of it.</summary>
    [ManagedOnly]
    public static SysctlContext ForTest(string name, string currentValue = "", string? newValue = null, uint filePosition = 0)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("A sysctl name such as \"net/ipv4/ip_forward\" is needed.", nameof(name));
        var ctx = new SysctlContext(name, currentValue, newValue);
        ctx.SetU32(Offsets.Write, newValue is null ? 0u : 1u);
        ctx.SetU32(Offsets.FilePos, filePosition);
        return ctx;
    }

    /// <summary>True for a write, false for a read.</summary>
    [ContextField("write", Offsets.Write, 4, Conversion = ContextFieldConversion.Boolean)]
    public bool IsWrite => U32(Offsets.Write) != 0;

    /// <summary>The file position of the read or write; writable.</summary>
    [ContextField("file_pos", Offsets.FilePos, 4, Writable = true)]
    public uint FilePosition { get => U32(Offsets.FilePos); set => SetU32(Offsets.FilePos, value); }

    /// <summary>The sysctl's name ("net/ipv4/tcp_mem", or "tcp_mem" with <see cref="BaseNameFlag"/>): bpf_sysctl_get_name.</summary>
    [Helper(101, "sysctl_get_name")]
    public int GetName(Span<byte> buffer, ulong flags = 0)
    {
        if ((flags & ~BaseNameFlag) != 0) return -Errno.EINVAL;
        ReadOnlySpan<byte> name = _name;
        if ((flags & BaseNameFlag) != 0) name = name[(name.LastIndexOf((byte)'/') + 1)..];
        return CopyString(buffer, name);
    }

    /// <summary>The value before this access: bpf_sysctl_get_current_value.</summary>
    [Helper(102, "sysctl_get_current_value")]
    public int GetCurrentValue(Span<byte> buffer) => CopyString(buffer, _current);

    /// <summary>The value being written: bpf_sysctl_get_new_value. -EINVAL (buffer zeroed) on a read.</summary>
    [Helper(103, "sysctl_get_new_value")]
    public int GetNewValue(Span<byte> buffer)
    {
        if (!IsWrite)
        {
            buffer.Clear();
            return -Errno.EINVAL;
        }
        return CopyString(buffer, NewValue is { } v ? Encoding.ASCII.GetBytes(v) : _new);
    }

    /// <summary>Replaces the value being written: bpf_sysctl_set_new_value. -EINVAL on a read, -E2BIG at a page or more.</summary>
    [Helper(104, "sysctl_set_new_value")]
    public int SetNewValue(ReadOnlySpan<byte> value)
    {
        if (!IsWrite) return -Errno.EINVAL;
        if (value.Length >= 4096) return -Errno.E2BIG;
        NewValue = Encoding.ASCII.GetString(value);
        return 0;
    }

    /// <summary>The value set with <see cref="SetNewValue"/>, or null when the program set none.</summary>
    [ManagedOnly]
    public string? NewValue { get; private set; }

    // copy_sysctl_value in kernel/bpf/cgroup.c.
    private static int CopyString(Span<byte> destination, ReadOnlySpan<byte> source)
    {
        if (destination.Length == 0) return -Errno.E2BIG;
        if (source.Length == 0)
        {
            destination.Clear();
            return -Errno.EINVAL;
        }
        if (destination.Length > source.Length)
        {
            source.CopyTo(destination);
            destination[source.Length..].Clear();
            return source.Length;
        }
        source[..(destination.Length - 1)].CopyTo(destination);
        destination[^1] = 0;
        return -Errno.E2BIG;
    }
}
