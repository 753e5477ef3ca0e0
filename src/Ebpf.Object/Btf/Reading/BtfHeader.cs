using System.Buffers.Binary;

namespace Ebpf.Object.Btf;

/// <summary>
/// The parsed header of a .BTF blob plus the bytes that sit outside the type and string sections
/// (extra header bytes, gaps, trailing bytes), kept so that writing gives back the exact input.
/// </summary>
internal sealed class BtfHeader
{
    public byte Version = 1;
    public byte Flags;
    public byte[] HeaderExtra = [];   // header bytes past the 24 we know
    public byte[] BeforeTypes = [];   // between the header and type_off
    public byte[] BetweenSections = []; // between the type section's end and str_off
    public byte[] Trailing = [];      // after the string section

    // Absolute positions in the input (not written back: recomputed from the model).
    public int TypeStart, TypeLength, StringStart, StringLength;

    /// <summary>Reads and checks the header; split BTF (<paramref name="split"/>) may have an empty string table that does not start with the empty string (offset 0 is its base's).</summary>
    public static BtfHeader Read(ReadOnlySpan<byte> data, bool split = false)
    {
        if (data.Length < BtfLayout.HeaderSize)
            throw new BtfException($"BTF is truncated: {data.Length} bytes is shorter than the {BtfLayout.HeaderSize}-byte header.");
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if (magic != BtfLayout.Magic)
        {
            if (magic == 0x9FEB) throw new BtfException("BTF is big-endian (magic 0x9feb read little-endian); only little-endian BTF is supported.");
            throw new BtfException($"Bad BTF magic 0x{magic:x4}, expected 0xeb9f.");
        }
        var h = new BtfHeader { Version = data[2], Flags = data[3] };
        if (h.Version != 1) throw new BtfException($"Unsupported BTF version {h.Version}, expected 1.");
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        uint typeOff = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        uint typeLen = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        uint strOff = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        uint strLen = BinaryPrimitives.ReadUInt32LittleEndian(data[20..]);
        if (hdrLen < BtfLayout.HeaderSize || hdrLen > (uint)data.Length)
            throw new BtfException($"BTF header length {hdrLen} is invalid: it must be at least {BtfLayout.HeaderSize} and within the {data.Length}-byte blob.");
        long meta = data.Length - hdrLen;
        if (typeOff % 4 != 0) throw new BtfException($"BTF type section offset {typeOff} is not 4-byte aligned.");
        if ((long)typeOff + typeLen > strOff)
            throw new BtfException($"BTF type section [{typeOff}, {(long)typeOff + typeLen}) overlaps or follows the string section at {strOff}.");
        if ((long)strOff + strLen > meta)
            throw new BtfException($"BTF string section [{strOff}, {(long)strOff + strLen}) runs past the end of the data ({meta} bytes after the header).");
        if (strLen == 0 && !split) throw new BtfException("BTF string section is empty; it must hold at least the empty string.");

        int start = (int)hdrLen;
        h.TypeStart = start + (int)typeOff;
        h.TypeLength = (int)typeLen;
        h.StringStart = start + (int)strOff;
        h.StringLength = (int)strLen;
        var strings = data.Slice(h.StringStart, h.StringLength);
        if (!split && strings[0] != 0) throw new BtfException("BTF string section does not start with the empty string (byte 0 is not NUL).");
        if (strLen > 0 && strings[^1] != 0) throw new BtfException($"BTF string section of {strLen} bytes does not end with a NUL byte.");

        if (hdrLen > BtfLayout.HeaderSize) h.HeaderExtra = data[BtfLayout.HeaderSize..start].ToArray();
        if (typeOff > 0) h.BeforeTypes = data[start..h.TypeStart].ToArray();
        int typeEnd = h.TypeStart + h.TypeLength;
        if (typeEnd < h.StringStart) h.BetweenSections = data[typeEnd..h.StringStart].ToArray();
        int strEnd = h.StringStart + h.StringLength;
        if (strEnd < data.Length) h.Trailing = data[strEnd..].ToArray();
        return h;
    }
}
