using System.Text;

namespace Ebpf.Object.Elf;

/// <summary>
/// The bounds-checked reads every ELF reader here needs (BPF objects and the executables uprobes read): a section's
/// bytes and a NUL-terminated string of a string table. Errors name the file through <c>source</c>.
/// </summary>
internal static class ElfBytes
{
    public static ReadOnlyMemory<byte> Section(ReadOnlyMemory<byte> file, string source, uint type, ulong offset, ulong size, string what)
    {
        if (type is ElfConstants.SectionNoBits or ElfConstants.SectionNull)
            return ReadOnlyMemory<byte>.Empty;
        var length = (ulong)file.Length;
        if (offset > length || size > length - offset)
            throw new InvalidObjectException($"{source}: {what} spans bytes {offset}..{offset + size}, past the end of the file ({length} bytes)");
        return file.Slice((int)offset, (int)size);
    }

    public static string String(ReadOnlySpan<byte> table, string source, uint offset, string what)
    {
        if (offset >= (uint)table.Length)
            throw new InvalidObjectException($"{source}: {what}: string offset {offset} is past the end of its string table ({table.Length} bytes)");
        var rest = table[(int)offset..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
            throw new InvalidObjectException($"{source}: {what}: the string at offset {offset} has no terminating NUL");
        return end == 0 ? "" : Encoding.UTF8.GetString(rest[..end]);
    }
}
