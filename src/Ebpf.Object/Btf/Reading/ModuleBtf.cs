using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Object.Btf;

/// <summary>
/// Names and kinds of the types in a kernel module's BTF (/sys/kernel/btf/MODULE). Module BTF is split BTF: its type
/// ids continue after vmlinux's, and its name offsets at or past vmlinux's string table length point into its own
/// string table. <see cref="Btf"/> parses standalone BTF only, so this walks the type records itself, reading just
/// the common header of each (name, kind, vlen) and skipping the kind's trailing data. Used to find kfuncs, ksyms and
/// attach targets in modules.
/// </summary>
public static class ModuleBtf
{
    /// <summary>A type of a module's BTF: its id (in the split id space), kind and name.</summary>
    public readonly record struct NamedType(int Id, BtfKind Kind, string Name);

    public static List<NamedType> Read(string path, Btf vmlinux)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BtfException($"cannot read module BTF '{path}': {e.Message}");
        }
        var span = data.AsSpan();
        if (span.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(span) != 0xEB9F)
            throw new BtfException($"{path} is not BTF (no 0xeB9F magic).");
        int hdrLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        int typeOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        int typeLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[12..]);
        int strOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
        int strLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        if (hdrLen < 24 || (long)hdrLen + typeOff + typeLen > span.Length || (long)hdrLen + strOff + strLen > span.Length)
            throw new BtfException($"{path}: the BTF header's sections lie outside the file.");
        var types = span.Slice(hdrLen + typeOff, typeLen);
        var strings = span.Slice(hdrLen + strOff, strLen);
        int baseStrings = vmlinux.StringTableLength;

        var result = new List<NamedType>();
        int id = vmlinux.Count, pos = 0;
        while (pos < types.Length)
        {
            if (pos + 12 > types.Length) throw new BtfException($"{path}: truncated BTF type {id}.");
            int nameOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(types[pos..]);
            uint info = BinaryPrimitives.ReadUInt32LittleEndian(types[(pos + 4)..]);
            var kind = (BtfKind)((info >> 24) & 0x1F);
            int vlen = (int)(info & 0xFFFF);
            string name = nameOff < baseStrings ? vmlinux.GetString(nameOff) : String(strings, nameOff - baseStrings, path);
            result.Add(new NamedType(id, kind, name));
            pos += 12 + kind switch
            {
                BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
                BtfKind.Array => 12,
                BtfKind.Struct or BtfKind.Union or BtfKind.Datasec or BtfKind.Enum64 => 12 * vlen,
                BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
                BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                    or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
                _ => throw new BtfException($"{path}: BTF type {id} has unknown kind {(int)kind}."),
            };
            id++;
        }
        return result;
    }

    private static string String(ReadOnlySpan<byte> table, int offset, string path)
    {
        if ((uint)offset >= (uint)table.Length) throw new BtfException($"{path}: a BTF name offset lies outside the string table.");
        var s = table[offset..];
        int nul = s.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? s : s[..nul]);
    }
}
