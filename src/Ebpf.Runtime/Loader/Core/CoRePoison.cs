using System.Runtime.CompilerServices;
using Ebpf.Asm;
using Ebpf.Linking;

namespace Ebpf.CoRe;

/// <summary>An instruction replaced because its relocation could not be resolved in the kernel.</summary>
/// <param name="Slot">Where the instruction is in the linked program (and in the verifier's log).</param>
/// <param name="Relocation">Index of the record among the program's CO-RE relocations.</param>
/// <param name="Description">Which relocation and why it failed.</param>
public readonly record struct CoRePoisoned(int Slot, int Relocation, string Description);

/// <summary>
/// libbpf's convention for unresolved relocations: the instruction becomes a call to helper 0xbad2310 ("bad relo").
/// Unreachable code (behind a bpf_core_field_exists check) is then dropped by the verifier; reachable code makes it
/// fail with "invalid func unknown#195896080", which <see cref="Explain"/> turns into the reason.
/// </summary>
public static class CoRePoison
{
    /// <summary>The helper id a poisoned instruction calls (0xbad2310, libbpf's).</summary>
    public const int HelperId = 0xbad2310;

    private static readonly ConditionalWeakTable<LinkedProgram, IReadOnlyList<CoRePoisoned>> Poisoned = new();

    /// <summary>The instruction that replaces an unresolved one: a call to helper <see cref="HelperId"/>.</summary>
    public static Instruction Instruction { get; } = new(OpCode.Call, Register.R0, Register.R0, 0, HelperId);

    /// <summary>Whether <paramref name="ins"/> is a poisoned instruction.</summary>
    public static bool IsPoison(Instruction ins) => ins.IsHelperCall && ins.Imm == HelperId;

    /// <summary>The poisoned instructions of a program relocated by <see cref="CoReRelocator"/>.</summary>
    public static IReadOnlyList<CoRePoisoned> Of(LinkedProgram linked) => Poisoned.TryGetValue(linked, out var list) ? list : [];

    internal static void Record(LinkedProgram linked, IReadOnlyList<CoRePoisoned> list)
    {
        if (list.Count > 0) Poisoned.AddOrUpdate(linked, list);
    }

    /// <summary>
    /// The verifier's reason, extended with the unresolved relocation when the instruction it stopped at is a
    /// poisoned one; otherwise the reason unchanged.
    /// </summary>
    public static string Explain(LinkedProgram linked, int? slot, string reason)
    {
        if (slot is not { } s) return reason;
        foreach (var p in Of(linked))
            if (p.Slot == s || p.Slot + 1 == s)
                return $"{reason}: the program reaches instruction {p.Slot}, whose CO-RE relocation could not be resolved for this kernel: {p.Description}. " +
                       "Guard the access with bpf_core_field_exists/bpf_core_type_exists, or fix the type definition to match the kernel's";
        return reason;
    }
}
