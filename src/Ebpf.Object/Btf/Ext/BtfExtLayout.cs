namespace Ebpf.Object.Btf;

/// <summary>
/// Header fields and the bytes around the three subsections (func_info, line_info, core_relo) of a .BTF.ext,
/// kept so a parsed blob is written back exactly, whatever order and gaps its producer chose.
/// </summary>
internal sealed class BtfExtLayout
{
    public const int BaseHeaderSize = 24;   // up to line_info_len
    public const int CoreHeaderSize = 32;   // with core_relo_off/len

    public byte Version = 1;
    public byte Flags;
    public uint HeaderLength = CoreHeaderSize;
    public byte[] HeaderExtra = [];

    /// <summary>Order in which the subsections (0 func, 1 line, 2 core) appear in the data.</summary>
    public int[] Order = [0, 1, 2];
    public byte[][] GapBefore = [[], [], []];
    public byte[] Trailing = [];

    /// <summary>Offset written for a subsection with no bytes (null: its position in the order).</summary>
    public uint?[] EmptyOffset = new uint?[3];

    /// <summary>Whether a subsection is written even with no records (it had a record size but no blocks).</summary>
    public bool[] HeaderOnly = new bool[3];

    public int[] RecordSize = [8, 16, 16];
}
