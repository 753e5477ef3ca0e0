using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>
/// Follows a local access path through one candidate kernel type: members by name (looking through anonymous
/// structs and unions, which the kernel may have added or removed), array indices within bounds. The result is the
/// same path spelled in the kernel's BTF, with the bit offset it reaches there; null when the candidate lacks it.
/// </summary>
internal static class CoReMatcher
{
    public static CoReSpec? Match(CoReSpec local, Btf target, int targetId)
    {
        var spec = new CoReSpec(target, targetId, local.Kind);
        if (CoReKinds.IsTypeBased(local.Kind))
        {
            var ok = local.Kind == BtfCoreRelocationKind.TypeMatches
                ? CoReCompat.TypesMatch(local.Btf, local.RootTypeId, target, targetId)
                : CoReCompat.TypesCompatible(local.Btf, local.RootTypeId, target, targetId);
            return ok ? spec : null;
        }
        if (CoReKinds.IsEnumValueBased(local.Kind))
        {
            if (target.Skip(targetId) is not BtfEnumBase e) return null;
            var name = local.Accessors[0].Name!;
            for (var i = 0; i < e.Values.Count; i++)
                if (CoReNames.EssentialEqual(name, e.Values[i].Name))
                {
                    spec.Accessors.Add(new CoReAccessor(e.Id, i, e.Values[i].Name));
                    spec.Raw.Add(i);
                    return spec;
                }
            return null;
        }

        for (var i = 0; i < local.Accessors.Count; i++)
        {
            var acc = local.Accessors[i];
            var t = target.Skip(targetId);
            targetId = t.Id;
            if (acc.Name is not null)
            {
                if (!MatchMember(local.Btf, acc, target, targetId, spec, out targetId)) return null;
                continue;
            }
            if (i > 0)
            {
                if (t is not BtfArray a) return null;
                if (!CoReSpec.IsFlexibleArray(target, spec.Accessors[^1], a) && acc.Index >= a.Count) return null;
                targetId = target.Skip(a.ElementType).Id;
            }
            if (spec.Raw.Count == CoReSpec.MaxLength) throw new BpfCoReException($"the kernel's path for {local} is longer than {CoReSpec.MaxLength} steps");
            spec.Accessors.Add(new CoReAccessor(targetId, acc.Index, null));
            spec.Raw.Add(acc.Index);
            spec.BitOffset += acc.Index * CoReSpec.Size(target, targetId) * 8;
        }
        return spec;
    }

    /// <summary>Finds the member named as the local one in a target struct/union, descending into anonymous members.</summary>
    private static bool MatchMember(Btf local, CoReAccessor acc, Btf target, int targetId, CoReSpec spec, out int next)
    {
        next = 0;
        if (target.Skip(targetId) is not BtfComposite t) return false;
        targetId = t.Id;
        var localMember = ((BtfComposite)local[acc.TypeId]).Members[acc.Index];
        for (var i = 0; i < t.Members.Count; i++)
        {
            var m = t.Members[i];
            if (spec.Raw.Count == CoReSpec.MaxLength) throw new BpfCoReException($"the kernel's path to member '{localMember.Name}' is longer than {CoReSpec.MaxLength} steps");
            // speculate that this member is the one; undone below when it is not
            spec.BitOffset += m.BitOffset;
            spec.Raw.Add(i);
            if (m.Name.Length == 0)
            {
                if (MatchMember(local, acc, target, m.Type, spec, out next)) return true;
            }
            else if (m.Name == localMember.Name)
            {
                next = m.Type;
                if (!CoReCompat.FieldsCompatible(local, localMember.Type, target, m.Type)) return false;
                spec.Accessors.Add(new CoReAccessor(targetId, i, m.Name));
                return true;
            }
            spec.BitOffset -= m.BitOffset;
            spec.Raw.RemoveAt(spec.Raw.Count - 1);
        }
        return false;
    }
}
