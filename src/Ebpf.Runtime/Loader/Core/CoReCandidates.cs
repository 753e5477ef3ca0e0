using System.Runtime.CompilerServices;
using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>
/// Kernel types a local type may stand for: same kind (enum and enum64 count as one), same name once flavors
/// ("___v2") are dropped on both sides. The index over a BTF is built per kind on first use and kept with that BTF,
/// so vmlinux's ~100k types are walked once per kind, not once per relocation.
/// </summary>
internal sealed class CoReCandidates
{
    private static readonly ConditionalWeakTable<Btf, CoReCandidates> Indexes = new();

    private readonly Btf _btf;
    private readonly Dictionary<BtfKind, Dictionary<string, List<int>>> _byKind = [];
    private readonly Lock _lock = new();

    private CoReCandidates(Btf btf) => _btf = btf;

    public static CoReCandidates For(Btf target) => Indexes.GetValue(target, b => new CoReCandidates(b));

    /// <summary>Ids of the candidates for <paramref name="local"/>, in id order.</summary>
    public IReadOnlyList<int> Find(BtfType local)
    {
        var kind = Group(local.Kind);
        lock (_lock)
        {
            if (!_byKind.TryGetValue(kind, out var names))
                _byKind[kind] = names = Build(kind);
            return names.TryGetValue(CoReNames.Essential(local.Name), out var ids) ? ids : [];
        }
    }

    private Dictionary<string, List<int>> Build(BtfKind kind)
    {
        var names = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var id = 1; id < _btf.Count; id++)
        {
            if (Group(_btf.KindOf(id)) != kind) continue;
            var name = _btf[id].Name;
            if (name.Length == 0) continue;
            var key = CoReNames.Essential(name);
            if (!names.TryGetValue(key, out var ids)) names[key] = ids = [];
            ids.Add(id);
        }
        return names;
    }

    private static BtfKind Group(BtfKind kind) => kind == BtfKind.Enum64 ? BtfKind.Enum : kind;
}
