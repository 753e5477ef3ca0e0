using System.Text;

namespace Ebpf.Object.Btf;

/// <summary>
/// Builds BTF from scratch (for the compiler): add strings and types, get bytes or a parsed <see cref="Btf"/>.
/// Names are taken from the types' Name properties and deduplicated; stored NameOffset values are ignored.
/// </summary>
public sealed class BtfBuilder
{
    private readonly List<BtfType> _types = [];
    private readonly Dictionary<string, int> _stringIndex = new(StringComparer.Ordinal) { [""] = 0 };
    private readonly ByteWriter _strings = new();
    private readonly Names _names;

    public BtfBuilder()
    {
        _strings.U8(0);
        _names = new Names(this);
    }

    /// <summary>Number of type ids so far, including void; the next <see cref="Add"/> returns this value.</summary>
    public int Count => _types.Count + 1;

    /// <summary>Adds a string (once) and returns its offset in the string table.</summary>
    public int AddString(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (_stringIndex.TryGetValue(s, out int off)) return off;
        if (s.Contains('\0')) throw new BtfException($"BTF strings cannot contain NUL: \"{s.Replace("\0", "\\0")}\".");
        off = _strings.Length;
        _strings.Bytes(Encoding.UTF8.GetBytes(s));
        _strings.U8(0);
        _stringIndex.Add(s, off);
        return off;
    }

    /// <summary>Adds a type and returns its id. Referenced ids may point forward; Build checks them.</summary>
    public int Add(BtfType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type is BtfVoid) throw new BtfException("void is type id 0 and is not added.");
        _types.Add(type);
        return _types.Count;
    }

    /// <summary>Encodes the header, types and string table.</summary>
    public byte[] ToBytes()
    {
        // Intern all names first so the string table is complete before it is written.
        var w = new ByteWriter();
        foreach (var t in _types) BtfTypeWriter.Write(w, t, _names);
        return BtfWriter.Write(new BtfHeader(), _types, w.Length, _strings.ToArray(), _names);
    }

    /// <summary>Encodes and parses the result, which validates every reference.</summary>
    public Btf Build() => Btf.Parse(ToBytes());

    private sealed class Names(BtfBuilder b) : IBtfNameSink
    {
        public int Offset(string name, int storedOffset) => name.Length == 0 ? 0 : b.AddString(name);
    }
}
