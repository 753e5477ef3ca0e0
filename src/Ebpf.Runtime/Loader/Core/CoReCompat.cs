using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>
/// When a local type may stand for a kernel type. Deliberately loose, as libbpf is: integers of any size and
/// signedness are compatible, any two structs/unions are, pointers are whatever they point to.
/// </summary>
internal static class CoReCompat
{
    private const int MaxDepth = 32;

    /// <summary>For a field reached by name: may the local member's type read the target member's?</summary>
    public static bool FieldsCompatible(Btf local, int localId, Btf target, int targetId)
    {
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            var l = local.Skip(localId);
            var t = target.Skip(targetId);
            if (l is BtfComposite && t is BtfComposite) return true;
            if (!CoReNames.KindsCompatible(l, t)) return false;
            switch (l)
            {
                case BtfPointer or BtfFloat:
                    return true;
                case BtfForward or BtfEnumBase:
                    // one of them anonymous, or both with the same name once flavors are dropped
                    return CoReNames.EssentialLength(l.Name) == 0 || CoReNames.EssentialLength(t.Name) == 0 || CoReNames.EssentialEqual(l.Name, t.Name);
                case BtfInt li:
                    return li.BitOffset == 0 && ((BtfInt)t).BitOffset == 0; // only the deprecated bitfield-style ints are refused
                case BtfArray la:
                    localId = la.ElementType;
                    targetId = ((BtfArray)t).ElementType;
                    continue;
                default:
                    return false;
            }
        }
        throw new BpfCoReException($"types [{localId}] and [{targetId}] nest deeper than {MaxDepth} levels");
    }

    /// <summary>For type-based relocations (exists, size, target id): same kind after typedefs, pointers and arrays followed.</summary>
    public static bool TypesCompatible(Btf local, int localId, Btf target, int targetId, int level = MaxDepth)
    {
        if (!CoReNames.KindsCompatible(local[localId], target[targetId])) return false;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            var l = local.Skip(localId);
            var t = target.Skip(targetId);
            if (!CoReNames.KindsCompatible(l, t)) return false;
            switch (l)
            {
                case BtfVoid or BtfComposite or BtfEnumBase or BtfForward:
                    return true;
                case BtfInt li:
                    return li.BitOffset == 0 && ((BtfInt)t).BitOffset == 0;
                case BtfPointer lp:
                    localId = lp.Type;
                    targetId = ((BtfPointer)t).Type;
                    continue;
                case BtfArray la:
                    localId = la.ElementType;
                    targetId = ((BtfArray)t).ElementType;
                    continue;
                case BtfFuncProto lf:
                    var tf = (BtfFuncProto)t;
                    if (lf.Parameters.Count != tf.Parameters.Count) return false;
                    if (level <= 0) throw new BpfCoReException($"function prototypes [{l.Id}] and [{t.Id}] nest too deeply");
                    for (var i = 0; i < lf.Parameters.Count; i++)
                        if (!TypesCompatible(local, local.Skip(lf.Parameters[i].Type).Id, target, target.Skip(tf.Parameters[i].Type).Id, level - 1))
                            return false;
                    localId = lf.ReturnType;
                    targetId = tf.ReturnType;
                    continue;
                default:
                    return false;
            }
        }
        throw new BpfCoReException($"types [{localId}] and [{targetId}] nest deeper than {MaxDepth} levels");
    }

    /// <summary>
    /// bpf_core_type_matches: stricter than compatible. Integers match in size and signedness, arrays in length,
    /// enums when every local enumerator exists by name, structs when every local member exists by name with a
    /// matching type; behind a pointer a struct only needs the same kind (or a forward declaration of it).
    /// </summary>
    public static bool TypesMatch(Btf local, int localId, Btf target, int targetId, bool behindPointer = false, int level = MaxDepth)
    {
        if (level <= 0) throw new BpfCoReException($"types [{localId}] and [{targetId}] nest deeper than {MaxDepth} levels");
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            var l = local.Skip(localId);
            var t = target.Skip(targetId);
            if (!NamesMatch(l.Name, t.Name)) return false;
            switch (l)
            {
                case BtfVoid:
                    return t is BtfVoid;
                case BtfForward lf:
                    if (behindPointer && t is not BtfForward)
                        return (t is BtfStruct && !lf.IsUnion) || (t is BtfUnion && lf.IsUnion);
                    return t is BtfForward tf && tf.IsUnion == lf.IsUnion;
                case BtfEnumBase le:
                    return t is BtfEnumBase te && EnumsMatch(le, te);
                case BtfComposite lc:
                    if (behindPointer)
                        return l.Kind == t.Kind || (t is BtfForward tfw && tfw.IsUnion == (l is BtfUnion));
                    return l.Kind == t.Kind && CompositesMatch(local, lc, target, (BtfComposite)t, behindPointer, level);
                case BtfInt li:
                    return t is BtfInt ti && li.Size == ti.Size && li.IsSigned == ti.IsSigned;
                case BtfPointer lp:
                    if (t is not BtfPointer tp) return false;
                    behindPointer = true;
                    localId = lp.Type;
                    targetId = tp.Type;
                    continue;
                case BtfArray la:
                    if (t is not BtfArray ta || la.Count != ta.Count) return false;
                    localId = la.ElementType;
                    targetId = ta.ElementType;
                    continue;
                case BtfFuncProto lf:
                    if (t is not BtfFuncProto tf2 || lf.Parameters.Count != tf2.Parameters.Count) return false;
                    for (var i = 0; i < lf.Parameters.Count; i++)
                        if (!TypesMatch(local, lf.Parameters[i].Type, target, tf2.Parameters[i].Type, behindPointer, level - 1))
                            return false;
                    localId = lf.ReturnType;
                    targetId = tf2.ReturnType;
                    continue;
                default:
                    return false;
            }
        }
        throw new BpfCoReException($"types [{localId}] and [{targetId}] nest deeper than {MaxDepth} levels");
    }

    /// <summary>An anonymous target matches only an anonymous local; otherwise names match without their flavors.</summary>
    private static bool NamesMatch(string local, string target) =>
        target.Length == 0 ? local.Length == 0 : CoReNames.EssentialEqual(local, target);

    private static bool EnumsMatch(BtfEnumBase local, BtfEnumBase target)
    {
        if (local.Size != target.Size || local.Values.Count > target.Values.Count) return false;
        foreach (var v in local.Values)
            if (!target.Values.Any(w => NamesMatch(v.Name, w.Name))) return false;
        return true;
    }

    private static bool CompositesMatch(Btf local, BtfComposite l, Btf target, BtfComposite t, bool behindPointer, int level)
    {
        if (l.Members.Count > t.Members.Count) return false;
        foreach (var lm in l.Members)
        {
            var found = false;
            foreach (var tm in t.Members)
                if (NamesMatch(lm.Name, tm.Name) && TypesMatch(local, lm.Type, target, tm.Type, behindPointer, level - 1))
                {
                    found = true;
                    break;
                }
            if (!found) return false;
        }
        return true;
    }
}
