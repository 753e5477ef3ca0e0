using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Fuzz.Tests.Fuzzing;

/// <summary>
/// Finds the fields of valid seeds (ELF objects, raw BTF, .BTF.ext) by walking them with a small reader of its own,
/// written from the formats (elf.h, include/uapi/linux/btf.h, libbpf's btf_ext_header) and not from the project's
/// readers, so a reader bug does not hide the fields it misreads. Seeds are valid, so the walk trusts them.
/// </summary>
public static class Layouts
{
    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);
    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);

    public static FieldMap Elf(byte[] file)
    {
        var map = new FieldMap();
        var b = file.AsSpan();
        map.Add(16, 2, FieldKind.Plain);   // e_type
        map.Add(18, 2, FieldKind.Plain);   // e_machine
        map.Add(40, 8, FieldKind.Offset);  // e_shoff
        map.Add(58, 2, FieldKind.Size);    // e_shentsize
        map.Add(60, 2, FieldKind.Count);   // e_shnum
        map.Add(62, 2, FieldKind.Index);   // e_shstrndx
        // Program headers (executables and shared objects; a relocatable object has none).
        map.Add(32, 8, FieldKind.Offset);  // e_phoff
        map.Add(54, 2, FieldKind.Size);    // e_phentsize
        map.Add(56, 2, FieldKind.Count);   // e_phnum
        int phoff = (int)U64(b, 32), phnum = U16(b, 56);
        for (int i = 0; i < phnum; i++)
        {
            int p = phoff + i * 56;
            map.Add(p, 4, FieldKind.Plain);       // p_type
            map.Add(p + 4, 4, FieldKind.Plain);   // p_flags
            map.Add(p + 8, 8, FieldKind.Offset);
            map.Add(p + 16, 8, FieldKind.Offset); // p_vaddr
            map.Add(p + 32, 8, FieldKind.Size);   // p_filesz
            map.Add(p + 40, 8, FieldKind.Size);   // p_memsz
        }
        int shoff = (int)U64(b, 40), shnum = U16(b, 60), shstrndx = U16(b, 62);
        var names = Section(b, shoff, shstrndx);
        int btfStrings = 0;
        for (int i = 0; i < shnum; i++)
        {
            int h = shoff + i * 64;
            map.Add(h, 4, FieldKind.StringOffset, bound: names.Length);
            map.Add(h + 4, 4, FieldKind.Plain);   // sh_type
            map.Add(h + 8, 8, FieldKind.Plain);   // sh_flags
            map.Add(h + 24, 8, FieldKind.Offset);
            map.Add(h + 32, 8, FieldKind.Size);
            map.Add(h + 40, 4, FieldKind.Index);  // sh_link
            map.Add(h + 44, 4, FieldKind.Index);  // sh_info
            map.Add(h + 56, 8, FieldKind.Size);   // sh_entsize
            uint type = U32(b, h + 4);
            int offset = (int)U64(b, h + 24), size = (int)U64(b, h + 32);
            if (type == 8 || size == 0) continue; // NOBITS and empty sections have no bytes
            string name = CString(names, (int)U32(b, h));
            map.Regions.Add((offset, size, name));
            switch (type)
            {
                case 7: // SHT_NOTE: namesz, descsz, type, name, descriptor (for stapsdt: pc, base, semaphore, then strings)
                    for (int n = offset; n + 12 <= offset + size;)
                    {
                        map.Add(n, 4, FieldKind.Size);
                        map.Add(n + 4, 4, FieldKind.Size);
                        map.Add(n + 8, 4, FieldKind.Plain);
                        int nameSize = (int)U32(b, n), descSize = (int)U32(b, n + 4);
                        int desc = n + 12 + (nameSize + 3) / 4 * 4;
                        for (int a = 0; a < 3 && desc + 8 * a + 8 <= offset + size && name == ".note.stapsdt"; a++)
                            map.Add(desc + 8 * a, 8, FieldKind.Offset);
                        n = desc + (descSize + 3) / 4 * 4;
                    }
                    break;
                case 2 or 11: // SHT_SYMTAB, SHT_DYNSYM
                    int strtab = Section(b, shoff, (int)U32(b, h + 40)).Length;
                    for (int s = offset; s + 24 <= offset + size; s += 24)
                    {
                        map.Add(s, 4, FieldKind.StringOffset, bound: strtab);
                        map.Add(s + 4, 1, FieldKind.Plain);  // st_info
                        map.Add(s + 6, 2, FieldKind.Index);  // st_shndx
                        map.Add(s + 8, 8, FieldKind.Offset); // st_value
                        map.Add(s + 16, 8, FieldKind.Size);
                    }
                    break;
                case 4 or 9: // SHT_RELA, SHT_REL
                    int entry = type == 4 ? 24 : 16;
                    for (int r = offset; r + entry <= offset + size; r += entry)
                    {
                        map.Add(r, 8, FieldKind.Offset);
                        map.Add(r + 8, 4, FieldKind.Plain);  // relocation type
                        map.Add(r + 12, 4, FieldKind.Index); // symbol
                    }
                    break;
            }
            if (name == ".BTF") btfStrings = AddBtf(map, file, offset, size);
            else if (name == ".BTF.ext") AddBtfExt(map, file, offset, size, btfStrings);
        }
        return map;
    }

    public static FieldMap Btf(byte[] btf)
    {
        var map = new FieldMap();
        AddBtf(map, btf, 0, btf.Length);
        return map;
    }

    public static FieldMap BtfExt(byte[] ext, int stringTableLength, int typeCount)
    {
        var map = new FieldMap { TypeCount = typeCount };
        AddBtfExt(map, ext, 0, ext.Length, stringTableLength);
        return map;
    }

    /// <summary>Adds the header and type fields; returns the string table's length.</summary>
    private static int AddBtf(FieldMap map, byte[] file, int start, int length)
    {
        var b = file.AsSpan(start, length);
        for (int f = 4; f < 24; f += 4) map.Add(start + f, 4, f % 8 == 0 ? FieldKind.Offset : FieldKind.Size);
        map.Add(start + 2, 1, FieldKind.Plain); // version
        int hdr = (int)U32(b, 4);
        int typeStart = hdr + (int)U32(b, 8), typeEnd = typeStart + (int)U32(b, 12);
        int strings = (int)U32(b, 20);
        int id = 1;
        for (int p = typeStart; p + 12 <= typeEnd; id++)
        {
            uint info = U32(b, p + 4);
            int kind = (int)(info >> 24) & 0x1f, vlen = (int)(info & 0xffff);
            int at = start + p;
            map.Add(at, 4, FieldKind.StringOffset, id, strings);
            map.Add(at + 4, 4, FieldKind.BtfInfo, id);
            // ptr, typedef, volatile, const, restrict, func, func_proto, var, decl_tag, type_tag refer to a type.
            map.Add(at + 8, 4, kind is 2 or 8 or 9 or 10 or 11 or 12 or 13 or 14 or 17 or 18 ? FieldKind.TypeId : FieldKind.Size, id);
            p += 12;
            at += 12;
            switch (kind)
            {
                case 1 or 14 or 17: map.Add(at, 4, FieldKind.Plain, id); p += 4; break; // int encoding, var linkage, decl_tag index
                case 3: // array
                    map.Add(at, 4, FieldKind.TypeId, id);
                    map.Add(at + 4, 4, FieldKind.TypeId, id);
                    map.Add(at + 8, 4, FieldKind.Count, id);
                    p += 12;
                    break;
                case 4 or 5: // struct, union: name, type, offset
                    for (int i = 0; i < vlen; i++, at += 12)
                    {
                        map.Add(at, 4, FieldKind.StringOffset, id, strings);
                        map.Add(at + 4, 4, FieldKind.TypeId, id);
                        map.Add(at + 8, 4, FieldKind.Offset, id);
                    }
                    p += 12 * vlen;
                    break;
                case 6: // enum: name, value
                    for (int i = 0; i < vlen; i++, at += 8) map.Add(at, 4, FieldKind.StringOffset, id, strings);
                    p += 8 * vlen;
                    break;
                case 13: // func_proto: name, type
                    for (int i = 0; i < vlen; i++, at += 8)
                    {
                        map.Add(at, 4, FieldKind.StringOffset, id, strings);
                        map.Add(at + 4, 4, FieldKind.TypeId, id);
                    }
                    p += 8 * vlen;
                    break;
                case 15: // datasec: type, offset, size
                    for (int i = 0; i < vlen; i++, at += 12)
                    {
                        map.Add(at, 4, FieldKind.TypeId, id);
                        map.Add(at + 4, 4, FieldKind.Offset, id);
                        map.Add(at + 8, 4, FieldKind.Size, id);
                    }
                    p += 12 * vlen;
                    break;
                case 19: // enum64: name, lo, hi
                    for (int i = 0; i < vlen; i++, at += 12) map.Add(at, 4, FieldKind.StringOffset, id, strings);
                    p += 12 * vlen;
                    break;
            }
        }
        map.TypeCount = id;
        return strings;
    }

    private static void AddBtfExt(FieldMap map, byte[] file, int start, int length, int strings)
    {
        var b = file.AsSpan(start, length);
        int hdr = (int)U32(b, 4);
        map.Add(start + 4, 4, FieldKind.Size);
        for (int f = 8; f + 8 <= hdr; f += 8)
        {
            map.Add(start + f, 4, FieldKind.Offset);
            map.Add(start + f + 4, 4, FieldKind.Size);
        }
        for (int sub = 0; sub < 3 && 8 + 8 * sub + 8 <= hdr; sub++)
        {
            int off = hdr + (int)U32(b, 8 + 8 * sub), len = (int)U32(b, 12 + 8 * sub);
            if (len == 0) continue;
            int recSize = (int)U32(b, off);
            map.Add(start + off, 4, FieldKind.Size);
            for (int p = off + 4; p + 8 <= off + len;)
            {
                map.Add(start + p, 4, FieldKind.StringOffset, 0, strings);
                map.Add(start + p + 4, 4, FieldKind.Count);
                int n = (int)U32(b, p + 4);
                p += 8;
                for (int i = 0; i < n; i++, p += recSize)
                {
                    int r = start + p;
                    map.Add(r, 4, FieldKind.Offset);
                    if (sub == 1)
                    {
                        map.Add(r + 4, 4, FieldKind.StringOffset, 0, strings);
                        map.Add(r + 8, 4, FieldKind.StringOffset, 0, strings);
                        map.Add(r + 12, 4, FieldKind.Plain);
                    }
                    else
                    {
                        map.Add(r + 4, 4, FieldKind.TypeId);
                        if (sub == 2)
                        {
                            map.Add(r + 8, 4, FieldKind.StringOffset, 0, strings);
                            map.Add(r + 12, 4, FieldKind.Plain);
                        }
                    }
                }
            }
        }
    }

    private static ReadOnlySpan<byte> Section(ReadOnlySpan<byte> b, int shoff, int index)
    {
        int h = shoff + index * 64;
        return b.Slice((int)U64(b, h + 24), (int)U64(b, h + 32));
    }

    private static string CString(ReadOnlySpan<byte> table, int offset)
    {
        var rest = table[offset..];
        return Encoding.UTF8.GetString(rest[..rest.IndexOf((byte)0)]);
    }

    /// <summary>The bytes of a named section of a valid ELF object, or null.</summary>
    public static byte[]? SectionBytes(byte[] file, string name)
    {
        var b = file.AsSpan();
        int shoff = (int)U64(b, 40), shnum = U16(b, 60);
        var names = Section(b, shoff, U16(b, 62));
        for (int i = 1; i < shnum; i++)
            if (CString(names, (int)U32(b, shoff + i * 64)) == name)
                return Section(b, shoff, i).ToArray();
        return null;
    }
}
