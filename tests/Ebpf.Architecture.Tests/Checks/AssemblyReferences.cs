using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace Ebpf.Architecture.Tests;

/// <summary>The assemblies an assembly references, as its metadata records them, checked against what its layer may use.</summary>
internal static class AssemblyReferences
{
    public static IReadOnlyList<string> Of(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        return [.. md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name))];
    }

    /// <summary>
    /// Whether the shared framework these tests run on ships the assembly (System.*, netstandard, Microsoft.Win32.*):
    /// those are the platform, not a layer. Packages such as Microsoft.Extensions.* are not in it and must be listed.
    /// </summary>
    public static bool IsFramework(string name) =>
        File.Exists(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), name + ".dll"));

    /// <summary>One message per reference of <paramref name="assembly"/> that is neither framework nor allowed.</summary>
    public static IReadOnlyList<string> Violations(string assembly, IEnumerable<string> references, IReadOnlySet<string> allowed) =>
        [.. references.Where(r => !IsFramework(r) && !allowed.Contains(r)).Order(StringComparer.Ordinal)
            .Select(r => $"{assembly} references {r}, which its layer may not use (allowed: {(allowed.Count == 0 ? "framework only" : string.Join(", ", allowed.Order(StringComparer.Ordinal)))})")];
}
