using System.Buffers.Binary;

namespace Ebpf.Object.Btf;

public sealed partial class Btf
{
    /// <summary>
    /// The number of ids (void included) that come from the base BTF when this was loaded with
    /// <see cref="LoadSplit(string, Btf)"/>; 0 for standalone BTF. Ids at or past it are the split file's own types.
    /// </summary>
    public int BaseCount { get; private set; }

    /// <summary>
    /// Reads split BTF (a kernel module's /sys/kernel/btf/MODULE, or pahole's output with --btf_base): its type ids
    /// continue <paramref name="base"/>'s and its string offsets continue <paramref name="base"/>'s string table.
    /// The result holds both, so ids, names and every type reached from the split types (base ones included) resolve
    /// as in one standalone BTF; <see cref="BaseCount"/> tells where the split types begin.
    /// </summary>
    /// <remarks>Concatenating base and split sections is exactly that id and offset space, so the parser and its
    /// checks need nothing of their own for split BTF: a reference past both, or to a missing string, still fails.</remarks>
    public static Btf LoadSplit(string path, Btf @base)
    {
        ArgumentNullException.ThrowIfNull(@base);
        byte[] split;
        try { split = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BtfException($"Cannot read BTF file '{path}': {e.Message}", e);
        }
        try { return ParseSplit(split, @base); }
        catch (BtfException e) { throw new BtfException($"{path} (split BTF on a base of {@base.Count} types): {e.Message}", e); }
    }

    /// <summary>Parses split BTF bytes against <paramref name="base"/>; see <see cref="LoadSplit(string, Btf)"/>.</summary>
    public static Btf ParseSplit(ReadOnlySpan<byte> split, Btf @base)
    {
        ArgumentNullException.ThrowIfNull(@base);
        if (@base.BaseCount != 0)
            throw new BtfException("the base BTF is itself split BTF; give the standalone BTF it was split from (vmlinux) as the base.");
        var (types, strings) = Sections(split);
        var splitTypes = split[types];
        var splitStrings = split[strings];
        var baseTypes = @base.Data.Slice(@base._header.TypeStart, @base._header.TypeLength);
        var baseStrings = @base.StringTable;

        int typeLength = checked(baseTypes.Length + splitTypes.Length);
        int stringLength = checked(baseStrings.Length + splitStrings.Length);
        var merged = new NativeBuffer(checked(BtfLayout.HeaderSize + typeLength + stringLength));
        var span = merged.Span;
        BinaryPrimitives.WriteUInt16LittleEndian(span, BtfLayout.Magic);
        span[2] = 1; // version
        span[3] = 0; // flags
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], BtfLayout.HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)stringLength);
        var body = span[BtfLayout.HeaderSize..];
        baseTypes.CopyTo(body);
        splitTypes.CopyTo(body[baseTypes.Length..]);
        baseStrings.CopyTo(body[typeLength..]);
        splitStrings.CopyTo(body[(typeLength + baseStrings.Length)..]);
        GC.KeepAlive(@base);
        return new Btf(merged) { BaseCount = @base.Count };
    }

    /// <summary>The type and string sections of split BTF, its header checked as standalone BTF's but for the string table (see <see cref="BtfHeader.Read"/>).</summary>
    private static (Range Types, Range Strings) Sections(ReadOnlySpan<byte> data)
    {
        var h = BtfHeader.Read(data, split: true);
        return (h.TypeStart..(h.TypeStart + h.TypeLength), h.StringStart..(h.StringStart + h.StringLength));
    }
}
