using System.Text;
using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>One meaningful step of an access path: a named member (Index = member index) or an array index (Name null).</summary>
/// <param name="TypeId">For a member, the struct/union holding it; for an array index, the element type.</param>
/// <param name="Index">The member's index in its struct/union, or the array index.</param>
/// <param name="Name">The member's name; null for an array index.</param>
internal readonly record struct CoReAccessor(int TypeId, int Index, string? Name);

/// <summary>
/// An access string resolved against one BTF: the raw indices as written ("0:1:2", every level, anonymous members
/// included), the meaningful accessors (named members and array indices only: those are what must match by name in
/// another BTF), and the bit offset the path reaches.
/// </summary>
internal sealed class CoReSpec(Btf btf, int rootTypeId, BtfCoreRelocationKind kind)
{
    /// <summary>libbpf's limit on access path length.</summary>
    public const int MaxLength = 64;

    public Btf Btf { get; } = btf;
    public int RootTypeId { get; } = rootTypeId;
    public BtfCoreRelocationKind Kind { get; } = kind;
    public List<CoReAccessor> Accessors { get; } = [];
    public List<int> Raw { get; } = [];
    public long BitOffset { get; set; }

    /// <summary>Parses a record's access string against the object's own BTF; throws with the reason when it does not fit.</summary>
    public static CoReSpec Parse(Btf btf, int typeId, string access, BtfCoreRelocationKind kind)
    {
        if ((uint)typeId >= (uint)btf.Count)
            throw new BpfCoReException($"type id {typeId} is not in the object's BTF ({btf.Count} types)");
        if (access.Length == 0 || access[0] == ':')
            throw new BpfCoReException($"access string \"{access}\" is malformed");
        var spec = new CoReSpec(btf, typeId, kind);
        if (CoReKinds.IsTypeBased(kind))
        {
            if (access != "0") throw new BpfCoReException($"a {CoReKinds.Name(kind)} relocation has access string \"0\", not \"{access}\"");
            return spec;
        }
        foreach (var part in access.Split(':'))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, null, out var index))
                throw new BpfCoReException($"access string \"{access}\" is malformed: \"{part}\" is not an index");
            if (spec.Raw.Count == MaxLength) throw new BpfCoReException($"access string \"{access}\" is longer than {MaxLength} steps");
            spec.Raw.Add(index);
        }

        var t = btf.Skip(typeId);
        var id = t.Id;
        if (CoReKinds.IsEnumValueBased(kind))
        {
            if (t is not BtfEnumBase e || spec.Raw.Count > 1 || spec.Raw[0] >= e.Values.Count)
                throw new BpfCoReException($"{CoReNames.Describe(t)} has no enumerator #{access}");
            spec.Accessors.Add(new CoReAccessor(id, spec.Raw[0], e.Values[spec.Raw[0]].Name));
            return spec;
        }
        if (!CoReKinds.IsFieldBased(kind)) throw new BpfCoReException($"unknown relocation kind {(uint)kind}");

        spec.Accessors.Add(new CoReAccessor(id, spec.Raw[0], null));
        spec.BitOffset = spec.Raw[0] * Size(btf, id) * 8;
        for (var i = 1; i < spec.Raw.Count; i++)
        {
            t = btf.Skip(id);
            id = t.Id;
            var index = spec.Raw[i];
            switch (t)
            {
                case BtfComposite c:
                    if (index >= c.Members.Count) throw new BpfCoReException($"{CoReNames.Describe(c)} has no member #{index} (access \"{access}\")");
                    var m = c.Members[index];
                    spec.BitOffset += m.BitOffset;
                    if (m.Name.Length > 0) spec.Accessors.Add(new CoReAccessor(id, index, m.Name));
                    id = m.Type;
                    break;
                case BtfArray a:
                    var element = btf.Skip(a.ElementType);
                    if (!IsFlexibleArray(btf, spec.Accessors[^1], a) && index >= a.Count)
                        throw new BpfCoReException($"index {index} is past the end of a {a.Count}-element array (access \"{access}\")");
                    id = element.Id;
                    spec.Accessors.Add(new CoReAccessor(id, index, null));
                    spec.BitOffset += index * Size(btf, id) * 8;
                    break;
                default:
                    throw new BpfCoReException($"access \"{access}\" of [{typeId}] {CoReNames.Describe(btf[typeId])} steps into [{id}] {CoReNames.Describe(t)} at step {i}, which is neither a struct, a union nor an array");
            }
        }
        return spec;
    }

    /// <summary>A zero-length array that is the last member of the struct holding it may be indexed past its length.</summary>
    public static bool IsFlexibleArray(Btf btf, CoReAccessor holder, BtfArray array) =>
        holder.Name is not null && array.Count == 0 && btf[holder.TypeId] is BtfComposite c && holder.Index == c.Members.Count - 1;

    public static long Size(Btf btf, int id)
    {
        try { return btf.SizeOf(id); }
        catch (BtfException e) { throw new BpfCoReException($"type [{id}] has no size: {e.Message}", e); }
    }

    /// <summary>libbpf's notation: "[id] struct task_struct.real_parent (0:3 @ offset 24)".</summary>
    public override string ToString()
    {
        var root = Btf[RootTypeId];
        var s = new StringBuilder($"[{RootTypeId}] {CoReNames.Describe(root)}");
        if (CoReKinds.IsTypeBased(Kind)) return s.ToString();
        if (CoReKinds.IsEnumValueBased(Kind))
            return Accessors.Count == 0 ? s.ToString() : s.Append("::").Append(Accessors[0].Name).ToString();
        for (var i = 0; i < Accessors.Count; i++)
        {
            var a = Accessors[i];
            if (a.Name is not null) s.Append('.').Append(a.Name);
            else if (i > 0 || a.Index > 0) s.Append('[').Append(a.Index).Append(']');
        }
        s.Append(" (").Append(string.Join(':', Raw)).Append(" @ offset ").Append(BitOffset / 8);
        if (BitOffset % 8 != 0) s.Append('.').Append(BitOffset % 8);
        return s.Append(')').ToString();
    }
}
