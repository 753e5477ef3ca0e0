using System.Reflection;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Metadata;

/// <summary>
/// The kernel-side library as the compiler sees it: user programs reference Ebpf.Kernel, and the compiler reads
/// the same types (by reflection on its own reference) to learn how each member lowers.
/// </summary>
internal static class KernelLibrary
{
    /// <summary>The context field a property getter or setter of a context type reads or writes.</summary>
    public static (PropertyInfo Property, ContextFieldAttribute Field)? ContextField(Type context, string accessor)
    {
        if (!accessor.StartsWith("get_", StringComparison.Ordinal) && !accessor.StartsWith("set_", StringComparison.Ordinal))
            return null;
        var property = context.GetProperty(accessor[4..], BindingFlags.Public | BindingFlags.Instance);
        return property?.GetCustomAttribute<ContextFieldAttribute>() is { } field ? (property, field) : null;
    }
}
