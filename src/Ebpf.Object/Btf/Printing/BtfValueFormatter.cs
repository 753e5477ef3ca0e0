using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ebpf.Object.Btf;

/// <summary>
/// Renders raw bytes (a map key or value) as the BTF type describes them, the way bpftool's btf_dumper does:
/// integers by signedness, bools, enums by name, char arrays as strings when they hold a printable C string,
/// pointers in hex, arrays and structs/unions (bitfields included), floats; typedefs and qualifiers are skipped.
/// Two renderings of one decoded tree: C-like text (<c>{ packets = 5, bytes = 300 }</c>) and JSON for scripts.
/// Bytes come from the kernel or a user, so every read is bounds-checked: bad input throws
/// <see cref="BtfException"/> naming the type and offset, never IndexOutOfRangeException.
/// </summary>
public static class BtfValueFormatter
{
    /// <summary>Deepest nesting of structs/arrays followed before giving up (a type loop or a hostile BTF).</summary>
    public const int MaxDepth = 64;

    /// <summary>C-like text: <c>{ packets = 5, bytes = 300 }</c>, <c>[1, 2]</c>, <c>"name"</c>, <c>0x1f00</c> for pointers.</summary>
    public static string Format(Btf btf, int typeId, ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        WriteText(sb, Decode(btf, typeId, bytes));
        return sb.ToString();
    }

    /// <summary>JSON: structs and data sections as objects, arrays as arrays, enums as their names, pointers as numbers (as bpftool prints them).</summary>
    public static JsonNode? ToJson(Btf btf, int typeId, ReadOnlySpan<byte> bytes) => ToJson(Decode(btf, typeId, bytes));

    // A neutral tree so that text and JSON agree on what was decoded.
    private abstract record Node;
    private sealed record Leaf(string Text, JsonNode? Json) : Node;
    private sealed record ListNode(List<Node> Items) : Node;
    private sealed record ObjectNode(List<(string Name, Node Value)> Fields) : Node;

    private static Node Decode(Btf btf, int typeId, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(btf);
        long size = btf.SizeOf(typeId);
        if (size > bytes.Length)
            throw new BtfException($"BTF type [{typeId}] needs {size} bytes but the value has only {bytes.Length}.");
        return Value(btf, typeId, bytes, 0, 0);
    }

    private static Node Value(Btf btf, int typeId, ReadOnlySpan<byte> bytes, long offset, int depth)
    {
        if (depth > MaxDepth)
            throw new BtfException($"BTF type [{typeId}] nests deeper than {MaxDepth} levels (a loop?).");
        var t = btf.Skip(typeId);
        switch (t)
        {
            case BtfInt i:
                if (i.Bits != i.Size * 8 || i.BitOffset != 0) // an old-style bitfield: bits live in the INT itself
                    return Bitfield(btf, t.Id, bytes, offset * 8 + i.BitOffset, i.Bits, depth);
                return Int(i, Slice(bytes, offset, i.Size, t.Id));
            case BtfEnumBase e:
                return Enum(e, ReadInteger(Slice(bytes, offset, e.Size, t.Id), e.Signed, t.Id));
            case BtfPointer:
                {
                    ulong p = BinaryPrimitives.ReadUInt64LittleEndian(Slice(bytes, offset, 8, t.Id));
                    return new Leaf($"0x{p:x}", JsonValue.Create(p));
                }
            case BtfFloat f:
                return Float(f, Slice(bytes, offset, f.Size, t.Id));
            case BtfArray a:
                return Array(btf, a, bytes, offset, depth);
            case BtfComposite c:
                return Composite(btf, c, bytes, offset, depth);
            case BtfVar v:
                return Value(btf, v.Type, bytes, offset, depth + 1);
            case BtfDatasec d:
                return Datasec(btf, d, bytes, offset, depth);
            default:
                throw new BtfException($"BTF type [{t.Id}] {BtfPrinter.KindName(t.Kind)} '{t.Name}' has no value layout to print.");
        }
    }

    private static Leaf Int(BtfInt i, ReadOnlySpan<byte> b)
    {
        if (i.IsBool)
        {
            bool value = b.ContainsAnyExcept((byte)0);
            return new Leaf(value ? "true" : "false", JsonValue.Create(value));
        }
        if (b.Length == 16)
        {
            // bpftool prints 128-bit integers in hex too: there is no portable JSON number that large.
            var v = BinaryPrimitives.ReadUInt128LittleEndian(b);
            string hex = $"0x{v:x}";
            return new Leaf(hex, JsonValue.Create(hex));
        }
        var value64 = ReadInteger(b, i.IsSigned, i.Id);
        return Number(value64, i.IsSigned);
    }

    private static Leaf Number(ulong bits, bool signed) => signed
        ? new Leaf(((long)bits).ToString(CultureInfo.InvariantCulture), JsonValue.Create((long)bits))
        : new Leaf(bits.ToString(CultureInfo.InvariantCulture), JsonValue.Create(bits));

    private static Leaf Enum(BtfEnumBase e, ulong bits)
    {
        foreach (var v in e.Values)
        {
            // ENUM values are stored sign- or zero-extended; compare the low Size bytes only.
            ulong mask = e.Size >= 8 ? ulong.MaxValue : (1UL << (int)(e.Size * 8)) - 1;
            if (((ulong)v.Value & mask) == (bits & mask))
                return new Leaf(v.Name, JsonValue.Create(v.Name));
        }
        return Number(bits, e.Signed);
    }

    private static Leaf Float(BtfFloat f, ReadOnlySpan<byte> b)
    {
        double value;
        switch (f.Size)
        {
            case 2: value = (double)BinaryPrimitives.ReadHalfLittleEndian(b); break;
            case 4: value = BinaryPrimitives.ReadSingleLittleEndian(b); break;
            case 8: value = BinaryPrimitives.ReadDoubleLittleEndian(b); break;
            default:
                string hex = "0x" + Convert.ToHexStringLower(Reversed(b)); // long double: no .NET type, show the bits
                return new Leaf(hex, JsonValue.Create(hex));
        }
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return new Leaf(text, double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(text));
    }

    private static Node Array(Btf btf, BtfArray a, ReadOnlySpan<byte> bytes, long offset, int depth)
    {
        long elementSize = btf.SizeOf(a.ElementType);
        long total = elementSize * a.Count;
        var own = Slice(bytes, offset, total, a.Id);
        if (IsCharType(btf, a.ElementType) && elementSize == 1 && CString(own) is { } s)
            return new Leaf(Quote(s), JsonValue.Create(s));
        // Zero-sized elements take no bytes, so the byte bounds would not limit a hostile count: cap those.
        long count = elementSize == 0 ? Math.Min(a.Count, 16) : a.Count;
        var items = new List<Node>((int)Math.Min(count, 4096));
        for (long i = 0; i < count; i++)
            items.Add(Value(btf, a.ElementType, own, i * elementSize, depth + 1));
        return new ListNode(items);
    }

    // Members are read from the struct's own bytes, so a member placed past the struct's size is an error even when the buffer is longer.
    private static ObjectNode Composite(Btf btf, BtfComposite c, ReadOnlySpan<byte> bytes, long offset, int depth)
    {
        var own = Slice(bytes, offset, c.Size, c.Id);
        var fields = new List<(string, Node)>(c.Members.Count);
        foreach (var m in c.Members)
        {
            Node value;
            if (m.BitfieldSize != 0)
                value = Bitfield(btf, m.Type, own, m.BitOffset, m.BitfieldSize, depth + 1);
            else if (m.BitOffset % 8 != 0) // old encoding: an INT with its own bit count, at a bit offset
                value = btf.Skip(m.Type) is BtfInt legacy
                    ? Bitfield(btf, m.Type, own, m.BitOffset + legacy.BitOffset, legacy.Bits, depth + 1)
                    : Bitfield(btf, m.Type, own, m.BitOffset, checked((int)btf.SizeOf(m.Type) * 8), depth + 1);
            else
                value = Value(btf, m.Type, own, m.BitOffset / 8, depth + 1);
            fields.Add((m.Name, value));
        }
        return new ObjectNode(fields);
    }

    private static ObjectNode Datasec(Btf btf, BtfDatasec d, ReadOnlySpan<byte> bytes, long offset, int depth)
    {
        var own = Slice(bytes, offset, d.Size, d.Id);
        var fields = new List<(string, Node)>(d.Variables.Count);
        foreach (var v in d.Variables)
        {
            var variable = Slice(own, v.Offset, v.Size, d.Id);
            fields.Add((btf[v.Type].Name, Value(btf, v.Type, variable, 0, depth + 1)));
        }
        return new ObjectNode(fields);
    }

    /// <summary>A bitfield of an int or enum type: <paramref name="bits"/> bits starting <paramref name="bitOffset"/> bits into the value.</summary>
    private static Leaf Bitfield(Btf btf, int typeId, ReadOnlySpan<byte> bytes, long bitOffset, int bits, int depth)
    {
        if (depth > MaxDepth)
            throw new BtfException($"BTF type [{typeId}] nests deeper than {MaxDepth} levels (a loop?).");
        var t = btf.Skip(typeId);
        bool signed = t switch
        {
            BtfInt i => i.IsSigned,
            BtfEnumBase e => e.Signed,
            _ => throw new BtfException($"BTF type [{t.Id}] {BtfPrinter.KindName(t.Kind)} cannot be a bitfield: only ints and enums can."),
        };
        if (bits is <= 0 or > 64)
            throw new BtfException($"BTF type [{t.Id}]: a bitfield of {bits} bits is not supported (1 to 64).");
        long first = bitOffset / 8;
        int shift = (int)(bitOffset % 8);
        var raw = Slice(bytes, first, (shift + bits + 7) / 8, t.Id); // at most 9 bytes
        Span<byte> wide = stackalloc byte[16];
        wide.Clear();
        raw.CopyTo(wide);
        UInt128 all = BinaryPrimitives.ReadUInt128LittleEndian(wide) >> shift;
        ulong value = (ulong)all & (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1);
        if (signed && bits < 64 && (value >> (bits - 1) & 1) != 0)
            value |= ulong.MaxValue << bits; // sign-extend
        return t switch
        {
            BtfEnumBase e => Enum(e, value),
            BtfInt { IsBool: true } => new Leaf(value != 0 ? "true" : "false", JsonValue.Create(value != 0)),
            _ => Number(value, signed),
        };
    }

    private static ulong ReadInteger(ReadOnlySpan<byte> b, bool signed, int typeId) => b.Length switch
    {
        1 => signed ? (ulong)(sbyte)b[0] : b[0],
        2 => signed ? (ulong)BinaryPrimitives.ReadInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
        4 => signed ? (ulong)BinaryPrimitives.ReadInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
        8 => BinaryPrimitives.ReadUInt64LittleEndian(b),
        _ => throw new BtfException($"BTF type [{typeId}] has size {b.Length}: integers and enums are 1, 2, 4 or 8 bytes (16 for int)."),
    };

    /// <summary>Like bpftool: an array of "char" (or CHAR-encoded ints) prints as a string when it holds printable text and a NUL.</summary>
    private static bool IsCharType(Btf btf, int id)
    {
        var t = btf[id];
        for (int guard = 0; t is BtfConst or BtfVolatile or BtfRestrict or BtfTypeTag; guard++)
        {
            if (guard > Btf.MaxResolveDepth) return false;
            t = btf[((BtfReferenceType)t).Type];
        }
        return t is BtfInt { Size: 1 } i && (i.IsChar || i.Name == "char");
    }

    private static string? CString(ReadOnlySpan<byte> b)
    {
        int nul = b.IndexOf((byte)0);
        if (nul < 0) return null;
        foreach (byte c in b[..nul])
            if (c is <= 0x1f or >= 0x7f) return null;
        return Encoding.ASCII.GetString(b[..nul]);
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static byte[] Reversed(ReadOnlySpan<byte> b)
    {
        var copy = b.ToArray();
        System.Array.Reverse(copy);
        return copy;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> bytes, long offset, long length, int typeId)
    {
        if (offset < 0 || length < 0 || offset > bytes.Length || length > bytes.Length - offset)
            throw new BtfException($"BTF type [{typeId}] needs {length} bytes at offset {offset}, but the value has only {bytes.Length} bytes.");
        return bytes.Slice((int)offset, (int)length);
    }

    private static void WriteText(StringBuilder sb, Node node)
    {
        switch (node)
        {
            case Leaf l:
                sb.Append(l.Text);
                break;
            case ListNode list:
                sb.Append('[');
                for (int i = 0; i < list.Items.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteText(sb, list.Items[i]);
                }
                sb.Append(']');
                break;
            case ObjectNode obj:
                if (obj.Fields.Count == 0) { sb.Append("{}"); break; }
                sb.Append("{ ");
                for (int i = 0; i < obj.Fields.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    if (obj.Fields[i].Name.Length > 0) sb.Append(obj.Fields[i].Name).Append(" = "); // anonymous members print bare
                    WriteText(sb, obj.Fields[i].Value);
                }
                sb.Append(" }");
                break;
        }
    }

    private static JsonNode? ToJson(Node node)
    {
        switch (node)
        {
            case Leaf l:
                return l.Json;
            case ListNode list:
                {
                    var array = new JsonArray();
                    foreach (var item in list.Items) array.Add(ToJson(item));
                    return array;
                }
            default:
                {
                    var obj = new JsonObject();
                    AddFields(obj, (ObjectNode)node);
                    return obj;
                }
        }
    }

    // Anonymous struct/union members are merged into their parent, as C lets code name their fields directly.
    private static void AddFields(JsonObject obj, ObjectNode node)
    {
        foreach (var (name, value) in node.Fields)
        {
            if (name.Length == 0 && value is ObjectNode inner)
                AddFields(obj, inner);
            else
                obj.TryAdd(name, ToJson(value));
        }
    }
}
