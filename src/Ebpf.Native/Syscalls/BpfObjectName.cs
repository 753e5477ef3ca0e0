using System.Text;

namespace Ebpf.Native;

/// <summary>
/// The one rule for map and program names given to the kernel. The kernel (bpf_obj_name_cpy) takes at most 15 bytes and
/// a NUL, each of [A-Za-z0-9_.], and refuses the whole map or program (EINVAL) for any other byte. As libbpf does for
/// the maps it names itself, other characters become '_' (one per UTF-8 byte) and the rest is cut at 15, so a C# name
/// still loads and stays recognisable in bpftool.
/// </summary>
public static class BpfObjectName
{
    /// <summary>Bytes the kernel keeps of a name; its field is one longer for the NUL.</summary>
    public const int MaxLength = 15;

    /// <summary>The name as the kernel will hold it: <paramref name="name"/> itself when it is already valid.</summary>
    public static string ForKernel(string name)
    {
        if (name.Length <= MaxLength && IsValid(name)) return name;
        var result = new StringBuilder(MaxLength);
        foreach (var rune in name.EnumerateRunes())
        {
            if (rune.IsAscii && IsKernelChar((char)rune.Value))
                result.Append((char)rune.Value);
            else
                result.Append('_', rune.Utf8SequenceLength);
            if (result.Length >= MaxLength) break;
        }
        return result.ToString(0, Math.Min(result.Length, MaxLength));
    }

    /// <summary>True when the kernel takes <paramref name="name"/> as it is.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length > MaxLength) return false;
        foreach (var c in name)
            if (!IsKernelChar(c)) return false;
        return true;
    }

    /// <summary>Writes the kernel form of <paramref name="name"/> into an attr's 16-byte name field (left zeroed: NUL-terminated).</summary>
    internal static unsafe void CopyTo(string? name, byte* destination)
    {
        if (string.IsNullOrEmpty(name)) return;
        var kernel = ForKernel(name);
        for (int i = 0; i < kernel.Length; i++)
            destination[i] = (byte)kernel[i];
    }

    private static bool IsKernelChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.';
}
