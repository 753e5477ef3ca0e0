using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>
/// What one CO-RE relocation resolves to: the value the object was compiled with (from its own BTF) and the value
/// for the target kernel. <see cref="Poison"/> means the kernel lacks what the instruction needs; the instruction is
/// then replaced by a call the verifier refuses if it is reached.
/// </summary>
public sealed record CoReResult
{
    /// <summary>What the relocation computes: a field offset or size, a type id, an enum value, an existence check...</summary>
    public required BtfCoreRelocationKind Kind { get; init; }

    /// <summary>The value the instruction holds as compiled, as the object's BTF gives it.</summary>
    public ulong OriginalValue { get; init; }

    /// <summary>The value for the target kernel.</summary>
    public ulong NewValue { get; init; }

    /// <summary>The kernel lacks what the instruction needs: the instruction is poisoned instead of patched.</summary>
    public bool Poison { get; init; }

    /// <summary>Whether the instruction's current value must equal <see cref="OriginalValue"/> (not for bitfields and type ids, which legitimately differ).</summary>
    public bool Validate { get; init; } = true;

    /// <summary>For field offsets: sizes of the local and the kernel field, to resize a load or store.</summary>
    public uint OriginalSize { get; init; }
    /// <summary>For field offsets: the size of the kernel's field, in bytes.</summary>
    public uint NewSize { get; init; }
    internal int OriginalTypeId { get; init; }
    internal int NewTypeId { get; init; }

    /// <summary>The sizes differ and the field is neither a pointer nor an unsigned integer: a resized load would read a different value.</summary>
    public bool FailMemorySizeAdjust { get; init; }

    /// <summary>The local path in libbpf's notation, e.g. "[6] struct task_struct.real_parent (0:3 @ offset 24)".</summary>
    public string LocalSpec { get; init; } = "";

    /// <summary>The matched kernel path, or null when nothing in the kernel matched.</summary>
    public string? TargetSpec { get; init; }

    /// <summary>Kernel types with the local type's name (before the structural match).</summary>
    public int Candidates { get; init; }

    /// <summary>Why nothing matched, for messages about a poisoned instruction.</summary>
    public string Unresolved => Candidates == 0
        ? $"the kernel's BTF has no {LocalType}"
        : $"the kernel has {Candidates} {LocalType} but none with a compatible {What}";

    /// <summary>"struct task_struct": the local root type, for messages.</summary>
    internal string LocalType { get; init; } = "";

    private string What => CoReKinds.IsEnumValueBased(Kind) ? "enumerator" : CoReKinds.IsFieldBased(Kind) ? "field" : "layout";
}
