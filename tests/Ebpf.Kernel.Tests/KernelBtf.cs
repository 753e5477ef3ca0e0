using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Ebpf.Kernel.Tests;

/// <summary>The kernel's own BTF, read through <c>bpftool btf dump file /sys/kernel/btf/vmlinux format raw</c>.</summary>
internal sealed partial class KernelBtf
{
    public sealed record BtfType(int Id, string Kind, string Name, long Size, int RefType, long Elements)
    {
        public List<(string Name, int Type, long BitsOffset)> Members { get; } = new();
        public List<(string Name, long Value)> Enumerators { get; } = new();
    }

    private readonly Dictionary<int, BtfType> _types = new();
    private readonly Dictionary<string, List<BtfType>> _byName = new();

    private static readonly Lazy<KernelBtf> s_vmlinux = new(() => Parse(RunBpftool()));
    public static KernelBtf Vmlinux => s_vmlinux.Value;

    private static string RunBpftool()
    {
        var psi = new ProcessStartInfo("bpftool", "btf dump file /sys/kernel/btf/vmlinux format raw")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("bpftool did not start");
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"bpftool failed ({p.ExitCode}): {stderr.Result}");
        return output;
    }

    [GeneratedRegex(@"^\[(\d+)\] (\w+) '([^']*)'(.*)$")]
    private static partial Regex TypeLine();
    [GeneratedRegex(@"^\s+'([^']*)' type_id=(\d+) bits_offset=(\d+)")]
    private static partial Regex MemberLine();
    [GeneratedRegex(@"^\s+'([^']*)' val=(-?\d+)")]
    private static partial Regex EnumLine();

    public static KernelBtf Parse(string dump)
    {
        var btf = new KernelBtf();
        BtfType? current = null;
        foreach (var line in dump.Split('\n'))
        {
            if (TypeLine().Match(line) is { Success: true } t)
            {
                string rest = t.Groups[4].Value;
                current = new BtfType(int.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture), t.Groups[2].Value, t.Groups[3].Value,
                    Field(rest, "size"), (int)Field(rest, "type_id"), Field(rest, "nr_elems"));
                btf._types[current.Id] = current;
                if (!btf._byName.TryGetValue(current.Name, out var list)) btf._byName[current.Name] = list = new();
                list.Add(current);
            }
            else if (current is not null && MemberLine().Match(line) is { Success: true } m)
                current.Members.Add((m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
            else if (current is not null && EnumLine().Match(line) is { Success: true } e)
                current.Enumerators.Add((e.Groups[1].Value, long.TryParse(e.Groups[2].Value, CultureInfo.InvariantCulture, out var v) ? v : unchecked((long)ulong.Parse(e.Groups[2].Value, CultureInfo.InvariantCulture))));
        }
        return btf;
    }

    private static long Field(string rest, string name)
    {
        var m = Regex.Match(rest, $@"\b{name}=(\d+)");
        return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    public BtfType Struct(string name) =>
        _byName.TryGetValue(name, out var list) && list.FirstOrDefault(t => t.Kind == "STRUCT") is { } s ? s
            : throw new KeyNotFoundException($"struct {name} is not in the kernel's BTF");

    public long SizeOf(int typeId)
    {
        var t = _types[typeId];
        return t.Kind switch
        {
            "INT" or "STRUCT" or "UNION" or "ENUM" or "ENUM64" or "FLOAT" => t.Size,
            "PTR" => 8,
            "ARRAY" => SizeOf(t.RefType) * t.Elements,
            _ => SizeOf(t.RefType),   // TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG
        };
    }

    private BtfType Resolve(int typeId)
    {
        var t = _types[typeId];
        while (t.Kind is "TYPEDEF" or "CONST" or "VOLATILE" or "RESTRICT" or "TYPE_TAG") t = _types[t.RefType];
        return t;
    }

    /// <summary>Byte offset and size of a member ("remote_ip4", "args[1]"), looking into anonymous unions and structs.</summary>
    public (long Offset, long Size)? Member(BtfType type, string path)
    {
        string name = path;
        int index = -1;
        int bracket = path.IndexOf('[');
        if (bracket >= 0)
        {
            name = path[..bracket];
            index = int.Parse(path[(bracket + 1)..^1], CultureInfo.InvariantCulture);
        }
        foreach (var (memberName, memberType, bits) in type.Members)
        {
            if (memberName == name)
            {
                if (index < 0) return (bits / 8, SizeOf(memberType));
                var array = Resolve(memberType);
                long elem = SizeOf(array.RefType);
                return (bits / 8 + index * elem, elem);
            }
            if (memberName == "(anon)" && Resolve(memberType) is { Kind: "STRUCT" or "UNION" } inner && Member(inner, path) is { } found)
                return (bits / 8 + found.Offset, found.Size);
        }
        return null;
    }

    /// <summary>The value of an enumerator, in whichever (possibly anonymous) enum holds it.</summary>
    public long? Enumerator(string name)
    {
        foreach (var t in _types.Values)
            if (t.Kind is "ENUM" or "ENUM64")
                foreach (var (n, v) in t.Enumerators)
                    if (n == name) return v;
        return null;
    }
}
