using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ebpf.Loader.Tests.CoRe;

/// <summary>Runs bpftool (built on libbpf), the independent reference for kernel type layouts and for CO-RE itself.</summary>
internal static partial class Bpftool
{
    public static string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("bpftool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"bpftool {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Result}");
        return stdout;
    }

    /// <summary>`bpftool btf dump file /sys/kernel/btf/vmlinux`, indexed by type id.</summary>
    public static partial class Vmlinux
    {
        private static readonly Lazy<Dictionary<int, (string Head, List<string> Body)>> Types = new(Parse);

        public sealed record Member(string Name, int TypeId, int BitsOffset, int BitfieldSize);

        public static (int Id, int Size, IReadOnlyDictionary<string, Member> Members) Struct(string name)
        {
            var (id, head, body) = Find($"STRUCT '{name}' ");
            var members = new Dictionary<string, Member>();
            foreach (var line in body)
            {
                var m = MemberLine().Match(line);
                Assert.True(m.Success, line);
                members[m.Groups[1].Value] = new Member(m.Groups[1].Value, int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value),
                    m.Groups[4].Success ? int.Parse(m.Groups[4].Value) : 0);
            }
            return (id, Field(head, "size"), members);
        }

        public static (int Id, IReadOnlyDictionary<string, long> Values) Enum(string name)
        {
            var (id, _, body) = Find($"ENUM '{name}' ");
            return (id, body.Select(l => EnumLine().Match(l)).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value)));
        }

        public static bool Exists(string kindAndName) => Types.Value.Values.Any(t => t.Head.Contains($"] {kindAndName}' ", StringComparison.Ordinal));

        /// <summary>sizeof, following typedefs, qualifiers and arrays as bpftool prints them.</summary>
        public static long SizeOf(int id)
        {
            var head = Types.Value[id].Head;
            var kind = head.Split(' ')[1];
            return kind switch
            {
                "INT" or "STRUCT" or "UNION" or "ENUM" or "ENUM64" or "FLOAT" => Field(head, "size"),
                "PTR" => 8,
                "ARRAY" => Field(head, "nr_elems") * SizeOf(Field(head, "type_id")),
                _ => SizeOf(Field(head, "type_id")),
            };
        }

        /// <summary>1 for an INT with encoding=SIGNED (through typedefs and qualifiers), else 0.</summary>
        public static int Signed(int id)
        {
            var head = Types.Value[id].Head;
            var kind = head.Split(' ')[1];
            return kind switch
            {
                "INT" => head.Contains("encoding=SIGNED") ? 1 : 0,
                "TYPEDEF" or "CONST" or "VOLATILE" or "RESTRICT" or "TYPE_TAG" => Signed(Field(head, "type_id")),
                _ => 0,
            };
        }

        private static (int Id, string Head, List<string> Body) Find(string marker)
        {
            var found = Types.Value.Where(t => t.Value.Head.Contains("] " + marker, StringComparison.Ordinal)).ToList();
            Assert.True(found.Count == 1, $"vmlinux has {found.Count} types '{marker}'");
            return (found[0].Key, found[0].Value.Head, found[0].Value.Body);
        }

        private static int Field(string head, string name) => int.Parse(Regex.Match(head, $@"\b{name}=(\d+)").Groups[1].Value);

        private static Dictionary<int, (string, List<string>)> Parse()
        {
            var types = new Dictionary<int, (string, List<string>)>();
            List<string>? body = null;
            foreach (var line in Run("btf", "dump", "file", "/sys/kernel/btf/vmlinux").Split('\n'))
            {
                var m = HeadLine().Match(line);
                if (m.Success) types[int.Parse(m.Groups[1].Value)] = (line, body = []);
                else if (line.StartsWith('\t')) body?.Add(line);
            }
            return types;
        }

        [GeneratedRegex(@"^\[(\d+)\] ")]
        private static partial Regex HeadLine();

        [GeneratedRegex(@"^\t'([^']*)' type_id=(\d+) bits_offset=(\d+)(?: bitfield_size=(\d+))?$")]
        private static partial Regex MemberLine();

        [GeneratedRegex(@"^\t'([^']*)' val=(-?\d+)$")]
        private static partial Regex EnumLine();
    }
}
