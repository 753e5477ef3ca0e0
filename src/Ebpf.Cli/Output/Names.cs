using System.Text;

namespace Ebpf.Cli.Output;

/// <summary>Kernel spellings of enum values: BpfProgramType.CgroupSkb is "cgroup_skb", as bpftool prints it.</summary>
internal static class Names
{
    public static string Snake<T>(T value) where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
            return Convert.ToInt64(value).ToString(); // a value this build does not know prints as its number
        var name = value.ToString();
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            // "CgroupInet4Bind" -> "cgroup_inet4_bind": a capital starts a word, digits stay with the word before.
            if (i > 0 && char.IsUpper(name[i]))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    public static string Snake<T>(T? value) where T : struct, Enum => value is { } v ? Snake(v) : "-";
}
