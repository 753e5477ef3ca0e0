using Ebpf.Loading;
using Ebpf.Loading.Externs;
using Ebpf.Object;
using Ebpf.Object.Externs;

namespace Ebpf;

/// <summary>What one extern of an object resolves to on this machine (see <see cref="KernelExterns.Resolve"/>).</summary>
/// <param name="Extern">The extern as the object declares it.</param>
/// <param name="Found">The kernel provides it (a weak one that is missing reads 0; a strong one fails the load).</param>
/// <param name="Value">The value, address or BTF id it resolves to, or why it does not.</param>
public sealed record ExternResolution(ExternSpec Extern, bool Found, string Value);

/// <summary>
/// Resolves an object's externs against the running kernel the way a load does, without loading anything: for
/// <c>ebpf inspect</c> and for checking an object before deploying it.
/// </summary>
public static class KernelExterns
{
    /// <summary>Resolves each extern of <paramref name="spec"/> (kconfig values, ksyms) against the running kernel.</summary>
    /// <returns>One resolution per extern, in the object's order.</returns>
    public static IReadOnlyList<ExternResolution> Resolve(BpfObjectFile spec)
    {
        using var resolver = new ExternResolver(spec);
        var result = new List<ExternResolution>(spec.Externs.Count);
        foreach (var e in spec.Externs)
        {
            try
            {
                result.Add(e.Kind switch
                {
                    ExternKind.Kconfig => Kconfig(spec, e),
                    ExternKind.Unresolved => new ExternResolution(e, false, "not defined by this object: link the object that defines it first"),
                    // Resolved as if weak, so a missing one reports why instead of failing.
                    _ => resolver.Resolve(e with { IsWeak = true }, "inspect") is var r ? new ExternResolution(e, r.Found, r.Where) : null!,
                });
            }
            catch (BpfException x)
            {
                result.Add(new ExternResolution(e, false, x.Message));
            }
        }
        return result;
    }

    private static ExternResolution Kconfig(BpfObjectFile spec, ExternSpec e)
    {
        var raw = KconfigValues.Raw(e.Name);
        if (raw is null)
            return new ExternResolution(e, false, "not set in this kernel's config");
        var type = spec.Btf!.Skip(e.BtfTypeId);
        var size = spec.Btf.SizeOf(e.BtfTypeId);
        var bytes = KconfigValues.Value(e.Name, type, (int)size)!; // throws for a value the declared type cannot hold
        var value = type is Object.Btf.BtfArray ? raw : size <= 8 ? BitConverter.ToInt64([.. bytes, .. new byte[8 - bytes.Length]]).ToString() : raw;
        return new ExternResolution(e, true, value == raw ? raw : $"{raw} ({value})");
    }
}
