using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>
/// Name rules of CO-RE: a local type may carry a "flavor" suffix after a triple underscore (task_struct___v2)
/// so that one program can declare several layouts of the same kernel type; only the part before it counts.
/// </summary>
internal static class CoReNames
{
    /// <summary>Length of the name without its flavor: up to the last "___" that has a non-underscore on both sides.</summary>
    public static int EssentialLength(string name)
    {
        for (var i = name.Length - 5; i >= 0; i--)
            if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' && name[i + 4] != '_')
                return i + 1;
        return name.Length;
    }

    public static string Essential(string name) => name[..EssentialLength(name)];

    /// <summary>Both names are the same once flavors are dropped.</summary>
    public static bool EssentialEqual(string a, string b)
    {
        int la = EssentialLength(a), lb = EssentialLength(b);
        return la == lb && string.CompareOrdinal(a, 0, b, 0, la) == 0;
    }

    /// <summary>Kinds that may relocate to each other: equal kinds, or enum and enum64.</summary>
    public static bool KindsCompatible(BtfType a, BtfType b) =>
        a.Kind == b.Kind || (a is BtfEnumBase && b is BtfEnumBase);

    /// <summary>"struct task_struct", "enum pid_type", "typedef u32": how messages name a type.</summary>
    public static string Describe(BtfType t) => t.Kind switch
    {
        BtfKind.Struct => "struct ",
        BtfKind.Union => "union ",
        BtfKind.Enum or BtfKind.Enum64 => "enum ",
        BtfKind.Typedef => "typedef ",
        BtfKind.Forward => "fwd ",
        BtfKind.Int => "int ",
        BtfKind.Float => "float ",
        _ => t.Kind.ToString().ToLowerInvariant() + " ",
    } + (t.Name.Length == 0 ? "(anon)" : t.Name);
}
