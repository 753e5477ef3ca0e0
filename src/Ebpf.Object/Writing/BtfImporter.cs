using Ebpf.Object.Btf;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Object.Writing;

/// <summary>
/// Copies types from a parsed <see cref="BtfSpec"/> into a <see cref="BtfBuilder"/>, with every type they reach,
/// renumbering references. For re-emitting a read object, or using types described elsewhere. Each source type is
/// copied once per importer, so importing several ids shares what they have in common.
/// </summary>
public sealed class BtfImporter(BtfSpec source, BtfBuilder target)
{
    private readonly Dictionary<int, int> _ids = new() { [0] = 0 };

    /// <summary>Copies type <paramref name="id"/> of the source (and what it references); returns its id in the builder.</summary>
    public int Import(int id)
    {
        if (_ids.TryGetValue(id, out var known))
            return known;
        if (id < 0 || id >= source.Count)
            throw new BtfException($"BTF type id {id} does not exist in the source (ids 0..{source.Count - 1}).");
        // Ids are given before types are built, so cycles (a struct pointing at itself) need no forward declarations.
        var pending = new SortedSet<int>();
        var stack = new Stack<int>([id]);
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (_ids.ContainsKey(next) || !pending.Add(next)) continue;
            foreach (var r in References(source[next])) stack.Push(r);
        }
        var newId = target.Count;
        foreach (var s in pending) _ids[s] = newId++;
        foreach (var s in pending) target.Add(Copy(source[s]));
        return _ids[id];
    }

    private static IEnumerable<int> References(BtfType t) => t switch
    {
        BtfReferenceType r => [r.Type],
        BtfArray a => [a.ElementType, a.IndexType],
        BtfComposite c => c.Members.Select(m => m.Type),
        BtfFuncProto p => p.Parameters.Select(x => x.Type).Prepend(p.ReturnType),
        BtfDatasec d => d.Variables.Select(v => v.Type),
        _ => [],
    };

    private BtfType Copy(BtfType t)
    {
        int Id(int id) => _ids[id];
        return t switch
        {
            BtfInt i => new BtfInt { Name = i.Name, Size = i.Size, Encoding = i.Encoding, BitOffset = i.BitOffset, Bits = i.Bits },
            BtfPointer p => new BtfPointer { Name = p.Name, Type = Id(p.Type) },
            BtfArray a => new BtfArray { ElementType = Id(a.ElementType), IndexType = Id(a.IndexType), Count = a.Count },
            BtfStruct s => new BtfStruct { Name = s.Name, Size = s.Size, HasBitfieldSizes = s.HasBitfieldSizes, Members = Members(s) },
            BtfUnion u => new BtfUnion { Name = u.Name, Size = u.Size, HasBitfieldSizes = u.HasBitfieldSizes, Members = Members(u) },
            BtfEnum e => new BtfEnum { Name = e.Name, Size = e.Size, Signed = e.Signed, Values = e.Values.Select(v => new BtfEnumValue(v.Name, v.Value)).ToList() },
            BtfEnum64 e => new BtfEnum64 { Name = e.Name, Size = e.Size, Signed = e.Signed, Values = e.Values.Select(v => new BtfEnumValue(v.Name, v.Value)).ToList() },
            BtfForward f => new BtfForward { Name = f.Name, IsUnion = f.IsUnion },
            BtfTypedef d => new BtfTypedef { Name = d.Name, Type = Id(d.Type) },
            BtfVolatile v => new BtfVolatile { Type = Id(v.Type) },
            BtfConst c => new BtfConst { Type = Id(c.Type) },
            BtfRestrict r => new BtfRestrict { Type = Id(r.Type) },
            BtfTypeTag g => new BtfTypeTag { Name = g.Name, Type = Id(g.Type), IsAttribute = g.IsAttribute },
            BtfFunc f => new BtfFunc { Name = f.Name, Type = Id(f.Type), Linkage = f.Linkage },
            BtfFuncProto p => new BtfFuncProto { ReturnType = Id(p.ReturnType), Parameters = p.Parameters.Select(x => new BtfParam(x.Name, Id(x.Type))).ToList() },
            BtfVar v => new BtfVar { Name = v.Name, Type = Id(v.Type), Linkage = v.Linkage },
            BtfDatasec d => new BtfDatasec { Name = d.Name, Size = d.Size, Variables = d.Variables.Select(v => v with { Type = Id(v.Type) }).ToList() },
            BtfFloat f => new BtfFloat { Name = f.Name, Size = f.Size },
            BtfDeclTag g => new BtfDeclTag { Name = g.Name, Type = Id(g.Type), ComponentIndex = g.ComponentIndex, IsAttribute = g.IsAttribute },
            _ => throw new BtfException($"BTF type {t} of kind {t.Kind} cannot be copied."),
        };

        List<BtfMember> Members(BtfComposite c) => c.Members.Select(m => new BtfMember(m.Name, Id(m.Type), m.BitOffset, m.BitfieldSize)).ToList();
    }
}
