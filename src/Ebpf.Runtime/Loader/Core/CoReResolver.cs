using Ebpf.Object.Btf;
using Ebpf.Object.Programs;

namespace Ebpf.CoRe;

/// <summary>
/// Resolves CO-RE relocation records against a target BTF (normally the running kernel's): finds the candidate
/// types, matches the local access path in each, and requires all matches to agree.
/// </summary>
public sealed class CoReResolver
{
    private readonly Btf _local;
    private readonly Btf _target;

    // Candidates that failed to match one relocation are dropped for the next ones on the same local type, as
    // libbpf does: a type that matched once is the one meant, and a later, looser match cannot make it ambiguous.
    private readonly Dictionary<int, List<int>> _candidates = [];

    /// <summary>A resolver for one program's records.</summary>
    /// <param name="local">The object's own BTF, which the records refer to.</param>
    /// <param name="target">The BTF to resolve against, normally the running kernel's (vmlinux and modules).</param>
    public CoReResolver(Btf local, Btf target)
    {
        _local = local;
        _target = target;
    }

    /// <summary>Resolves one record on its own (no candidate pruning shared with other records).</summary>
    public static CoReResult Resolve(Btf local, Btf target, ProgramCoreRelocation relocation) =>
        new CoReResolver(local, target).Resolve(relocation);

    /// <summary>Resolves <paramref name="relocation"/>, sharing candidate pruning with the records resolved before it.</summary>
    /// <exception cref="BpfCoReException">The record is malformed, or candidates match it in disagreeing ways.</exception>
    public CoReResult Resolve(ProgramCoreRelocation relocation)
    {
        var kind = relocation.Kind;
        var localSpec = CoReSpec.Parse(_local, relocation.TypeId, relocation.AccessString, kind);
        var localType = _local[relocation.TypeId];

        if (kind == BtfCoreRelocationKind.TypeIdLocal)
        {
            // the object's own id: no kernel lookup, and not checked against the instruction (linking renumbers ids)
            return new CoReResult
            {
                Kind = kind, OriginalValue = (ulong)localSpec.RootTypeId, NewValue = (ulong)localSpec.RootTypeId,
                Validate = false, LocalSpec = localSpec.ToString(), TargetSpec = localSpec.ToString(), LocalType = CoReNames.Describe(localType),
            };
        }
        if (localType.Name.Length == 0)
            throw new BpfCoReException($"{CoReKinds.Name(kind)} relocation on an anonymous type ({localSpec}): CO-RE finds kernel types by name");

        if (!_candidates.TryGetValue(relocation.TypeId, out var candidates))
            _candidates[relocation.TypeId] = candidates = [.. CoReCandidates.For(_target).Find(localType)];

        CoReResult? chosen = null;
        CoReSpec? chosenSpec = null;
        var matched = new List<int>();
        foreach (var id in candidates)
        {
            var spec = CoReMatcher.Match(localSpec, _target, id);
            if (spec is null) continue;
            var result = CoReCalculator.Calculate(kind, localSpec, spec);
            if (chosen is null)
            {
                chosen = result;
                chosenSpec = spec;
            }
            else if (spec.BitOffset != chosenSpec!.BitOffset)
                throw new BpfCoReException($"{localSpec} is ambiguous: kernel types [{chosenSpec.RootTypeId}] and [{id}] put it at different offsets ({chosenSpec} vs {spec})");
            else if (result.Poison != chosen.Poison || result.NewValue != chosen.NewValue)
                throw new BpfCoReException($"{localSpec} is ambiguous: kernel types [{chosenSpec.RootTypeId}] and [{id}] give different results ({chosen.NewValue} vs {result.NewValue})");
            matched.Add(id);
        }
        var total = candidates.Count;
        if (matched.Count > 0)
        {
            candidates.Clear();
            candidates.AddRange(matched);
            return chosen! with { LocalSpec = localSpec.ToString(), TargetSpec = chosenSpec!.ToString(), Candidates = total, LocalType = CoReNames.Describe(localType) };
        }
        // nothing matched: existence checks become 0, the rest poison their instruction
        return CoReCalculator.Calculate(kind, localSpec, null) with { LocalSpec = localSpec.ToString(), Candidates = total, LocalType = CoReNames.Describe(localType) };
    }
}
